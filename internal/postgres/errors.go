package postgres

import (
	"context"
	"errors"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"
	"gorm.io/gorm"

	"github.com/acme/crm/internal/errs"
)

// translate turns driver errors into the errs vocabulary; *errs.Error values
// and nil pass through unchanged.
func translate(err error) error {
	if err == nil {
		return nil
	}
	if _, ok := errs.As(err); ok {
		return err
	}
	if errors.Is(err, gorm.ErrRecordNotFound) || errors.Is(err, errNoRows) {
		return errs.Wrap(err, errs.NotFound, "not found")
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	var connErr *pgconn.ConnectError
	if errors.As(err, &connErr) || errs.ConnectionLost(err) {
		return errs.Wrap(err, errs.Unavailable, "database unavailable")
	}
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		switch pgErr.Code {
		case "23505":
			if strings.HasSuffix(pgErr.ConstraintName, "_external_id") {
				e := errs.Wrap(err, errs.Conflict, "another record already has this external_id")
				e.Fields = []errs.FieldError{{Field: "external_id", Message: "is already used by another record"}}
				return e
			}
			return errs.Wrap(err, errs.Conflict, "already exists (%s)", pgErr.ConstraintName)
		case "23503":
			if strings.HasPrefix(pgErr.Message, "update or delete on table") {
				return errs.Wrap(err, errs.Conflict, "other records still refer to this one")
			}
			if f, ok := constraintFields[pgErr.ConstraintName]; ok {
				return errs.Field(f.Field, f.Message)
			}
			return errs.Wrap(err, errs.Invalid, "refers to a missing record (%s)", pgErr.ConstraintName)
		case "23514":
			if f, ok := constraintFields[pgErr.ConstraintName]; ok {
				return errs.Field(f.Field, f.Message)
			}
			return errs.Wrap(err, errs.Invalid, "value out of range or malformed")
		case "22P02", "22003", "22007", "22008":
			return errs.Wrap(err, errs.Invalid, "value out of range or malformed")
		case "40001", "40P01":
			return errs.Wrap(err, errs.Conflict, "concurrent update, please retry")
		case "57P01", "57P02", "57P03", "53300":
			return errs.Wrap(err, errs.Unavailable, "database unavailable")
		}
		return err
	}
	return err
}

// constraintFields names the request field behind a foreign key or check
// constraint, so that a reference to a missing row is a 422 on that field.
// The foreign keys are composite with the workspace, so another workspace's
// id fails exactly like a missing one. This is the one table of them.
var constraintFields = map[string]errs.FieldError{
	"persons_organization_fk":              {Field: "organization_id", Message: "no such organization"},
	"tasks_opportunity_fk":                 {Field: "opportunity_id", Message: "no such opportunity"},
	"tasks_assignee_fk":                    {Field: "assignee_id", Message: "must be an active user of the workspace"},
	"appointments_organizer_fk":            {Field: "organizer_id", Message: "must be an active user of the workspace"},
	"appointments_opportunity_fk":          {Field: "opportunity_id", Message: "no such opportunity"},
	"appointment_attendees_user_fk":        {Field: "attendee_ids", Message: "must be users of the workspace"},
	"appointment_persons_person_fk":        {Field: "person_ids", Message: "no such person"},
	"appointments_ends_after_start":        {Field: "ends_at", Message: "must be after starts_at"},
	"appointment_attendees_appointment_fk": {Field: "id", Message: "no such appointment"},
	"opportunities_organization_fk":        {Field: "organization_id", Message: "no such organization"},
	"opportunities_person_fk":              {Field: "person_id", Message: "no such person"},
	"opportunities_contact_fk":             {Field: "contact_person_id", Message: "no such person"},
	"opportunities_owner_fk":               {Field: "owner_id", Message: "no such user"},
	"opportunities_pipeline_fk":            {Field: "pipeline_id", Message: "no such pipeline"},
	"opportunities_phase_fk":               {Field: "phase_id", Message: "phase belongs to another pipeline"},
	"opportunities_source_fk":              {Field: "source_id", Message: "no such source"},
	"opportunity_lines_product_fk":         {Field: "product_id", Message: "no such product"},
	"webhook_subscriptions_pipeline_fk":    {Field: "pipeline_id", Message: "no such pipeline"},
	"webhook_subscriptions_owner_fk":       {Field: "owner_id", Message: "no such user"},
}

func retryable(err error) bool {
	var pgErr *pgconn.PgError
	return errors.As(err, &pgErr) && (pgErr.Code == "40001" || pgErr.Code == "40P01")
}
