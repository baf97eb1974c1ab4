package postgres

import (
	"context"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgtype"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/acme/crm/internal/money"
	"github.com/acme/crm/internal/page"
	"github.com/acme/crm/internal/sales"
)

type opportunityRow struct {
	ID                  uuid.UUID `gorm:"primaryKey"`
	WorkspaceID         uuid.UUID
	Title               string
	OrganizationID      *uuid.UUID
	PersonID            *uuid.UUID
	ContactPersonID     *uuid.UUID
	OwnerID             uuid.UUID
	PipelineID          uuid.UUID
	PhaseID             uuid.UUID
	Probability         int
	ProbabilityOverride *int
	EstimatedAmount     int64
	Currency            string
	OfferDiscount       int
	ExpectedOrderDate   *time.Time `gorm:"type:date"`
	SourceID            *uuid.UUID
	Description         string
	Status              string
	ClosedAt            *time.Time
	LostReason          *string
	CreatedBy           uuid.UUID
	ExternalID          *string
	LineCount           int
	TotalsSubtotal      *int64
	TotalsOfferDiscount *int64
	TotalsVAT           *string
	TotalsVATTotal      *int64
	TotalsTotal         *int64
	Version             int64
	CreatedAt           time.Time
	UpdatedAt           time.Time
}

func (opportunityRow) TableName() string { return "opportunities" }

func (r opportunityRow) domain() sales.Opportunity {
	return sales.Opportunity{ID: r.ID, Title: r.Title, OrganizationID: r.OrganizationID, PersonID: r.PersonID,
		ContactPersonID: r.ContactPersonID, OwnerID: r.OwnerID, PipelineID: r.PipelineID, PhaseID: r.PhaseID,
		Probability: r.Probability, ProbabilityOverride: r.ProbabilityOverride, EstimatedAmount: r.EstimatedAmount,
		Currency: r.Currency, OfferDiscount: money.BasisPoints(r.OfferDiscount), ExpectedOrderDate: dateOf(r.ExpectedOrderDate), SourceID: r.SourceID,
		Description: r.Description, Status: sales.Status(r.Status), ClosedAt: r.ClosedAt, LostReason: r.LostReason,
		CreatedBy: r.CreatedBy, ExternalID: r.ExternalID, LineCount: r.LineCount, Version: r.Version,
		CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt,
		Totals: totalsCols{Subtotal: r.TotalsSubtotal, OfferDiscount: r.TotalsOfferDiscount, VAT: r.TotalsVAT,
			VATTotal: r.TotalsVATTotal, Total: r.TotalsTotal}.decode(r.EstimatedAmount, r.Currency)}
}

// dateOf normalises a date column to midnight UTC.
func dateOf(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	d := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
	return &d
}

func opportunityRowOf(o sales.Opportunity) opportunityRow {
	return opportunityRow{ID: o.ID, Title: o.Title, OrganizationID: o.OrganizationID, PersonID: o.PersonID,
		ContactPersonID: o.ContactPersonID, OwnerID: o.OwnerID, PipelineID: o.PipelineID, PhaseID: o.PhaseID,
		Probability: o.Probability, ProbabilityOverride: o.ProbabilityOverride, EstimatedAmount: o.EstimatedAmount,
		Currency: o.Currency, OfferDiscount: int(o.OfferDiscount), ExpectedOrderDate: o.ExpectedOrderDate, SourceID: o.SourceID, Description: o.Description,
		Status: string(o.Status), ClosedAt: o.ClosedAt, LostReason: o.LostReason, CreatedBy: o.CreatedBy,
		ExternalID: o.ExternalID, Version: 1, CreatedAt: o.CreatedAt, UpdatedAt: o.UpdatedAt}
}

// CreateOpportunity implements sales.Store.
func (r *Sales) CreateOpportunity(ctx context.Context, o sales.Opportunity) error {
	row := opportunityRowOf(o)
	return translate(r.db.conn(ctx).Create(&row).Error)
}

// Opportunity implements sales.Store.
func (r *Sales) Opportunity(ctx context.Context, id uuid.UUID) (sales.Opportunity, error) {
	ws, err := wsID(ctx)
	if err != nil {
		return sales.Opportunity{}, err
	}
	var o sales.Opportunity
	err = r.db.one(ctx, func(row rowScanner) (err error) {
		o, err = scanOpportunity(row)
		return err
	}, opportunitiesOfWorkspace+"id = $2", ws, id)
	return o, err
}

// OpportunitiesByID implements sales.Store with one query, scoped like
// Opportunity.
func (r *Sales) OpportunitiesByID(ctx context.Context, ids []uuid.UUID) ([]sales.Opportunity, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	ws, err := wsID(ctx)
	if err != nil {
		return nil, err
	}
	rows, err := r.db.query(ctx, opportunitiesOfWorkspace+"id = ANY($2::uuid[])", ws, uuidArray(ids))
	if err != nil {
		return nil, translate(err)
	}
	defer rows.Close()
	var out []sales.Opportunity
	scan := newOpportunityScan()
	for rows.Next() {
		o, err := scan.scan(rows)
		if err != nil {
			return nil, translate(err)
		}
		out = append(out, o)
	}
	return out, translate(rows.Err())
}

// opportunitiesOfWorkspace is the reads by id's SQL up to the condition on
// the id ($2); $1 is the workspace.
const opportunitiesOfWorkspace = "SELECT " + opportunityColumns + " FROM opportunities WHERE workspace_id = $1 AND "

// opportunityColumns are the columns scanOpportunity reads, in its order.
const opportunityColumns = `opportunities.id, opportunities.title, opportunities.organization_id, opportunities.person_id,
	opportunities.contact_person_id, opportunities.owner_id, opportunities.pipeline_id, opportunities.phase_id,
	opportunities.probability, opportunities.probability_override, opportunities.estimated_amount,
	opportunities.currency, opportunities.offer_discount, opportunities.expected_order_date, opportunities.source_id,
	opportunities.description, opportunities.status, opportunities.closed_at, opportunities.lost_reason,
	opportunities.created_by, opportunities.line_count, opportunities.totals_subtotal,
	opportunities.totals_offer_discount, opportunities.totals_vat, opportunities.totals_vat_total,
	opportunities.totals_total, opportunities.external_id, opportunities.version,
	opportunities.created_at, opportunities.updated_at`

// scanOpportunity reads one row of opportunityColumns without reflection:
// reads of opportunities are the hottest path of the API.
func scanOpportunity(rows interface{ Scan(dest ...any) error }) (sales.Opportunity, error) {
	return newOpportunityScan().scan(rows)
}

// opportunityScan holds the destinations of one row of opportunityColumns;
// a list reuses one for all its rows, so that a row costs only the
// allocations of its strings and non-null pointers.
type opportunityScan struct {
	o        sales.Opportunity
	discount int
	status   string
	// the totals' columns, read into values rather than fresh pointers
	subtotal, offerDiscount, vatTotal, total pgtype.Int8
	vat                                      pgtype.Text
	dest                                     []any
	raw                                      int8 // 1: read the rows' binary values (rawReadable), -1: Scan; 0: not known yet
}

func newOpportunityScan() *opportunityScan {
	s := &opportunityScan{}
	o := &s.o
	s.dest = []any{uuidDst{&o.ID}, &o.Title, nullUUIDDst{&o.OrganizationID}, nullUUIDDst{&o.PersonID},
		nullUUIDDst{&o.ContactPersonID}, uuidDst{&o.OwnerID}, uuidDst{&o.PipelineID}, uuidDst{&o.PhaseID},
		&o.Probability, nullIntDst{&o.ProbabilityOverride}, &o.EstimatedAmount, &o.Currency, &s.discount,
		nullDateDst{&o.ExpectedOrderDate}, nullUUIDDst{&o.SourceID}, &o.Description, &s.status,
		nullTimeDst{&o.ClosedAt}, nullStringDst{&o.LostReason}, uuidDst{&o.CreatedBy}, &o.LineCount,
		&s.subtotal, &s.offerDiscount, &s.vat, &s.vatTotal, &s.total, nullStringDst{&o.ExternalID}, &o.Version,
		&o.CreatedAt, &o.UpdatedAt}
	return s
}

// scan reads the current row. Every destination is written on every row
// (pointers are set anew or to nil), so nothing leaks from a previous row.
func (s *opportunityScan) scan(rows interface{ Scan(dest ...any) error }) (sales.Opportunity, error) {
	if raw, ok := rows.(rawRows); ok {
		if s.raw == 0 {
			s.raw = -1
			if rawReadable(raw.FieldDescriptions(), opportunityKinds) {
				s.raw = 1
			}
		}
		if s.raw == 1 {
			return decodeOpportunity(raw.RawValues())
		}
	}
	if err := rows.Scan(s.dest...); err != nil {
		return sales.Opportunity{}, err
	}
	o := s.o
	o.OfferDiscount, o.Status = money.BasisPoints(s.discount), sales.Status(s.status)
	var t totalsCols
	if s.subtotal.Valid && s.offerDiscount.Valid && s.vat.Valid && s.vatTotal.Valid && s.total.Valid {
		t = totalsCols{Subtotal: &s.subtotal.Int64, OfferDiscount: &s.offerDiscount.Int64, VAT: &s.vat.String,
			VATTotal: &s.vatTotal.Int64, Total: &s.total.Int64}
	}
	o.Totals = t.decode(o.EstimatedAmount, o.Currency)
	return o, nil
}

// decodeOpportunity reads one row of opportunityColumns from its binary
// values (see rawReadable), as scan's destinations would.
func decodeOpportunity(v [][]byte) (sales.Opportunity, error) {
	r := rawValues{v: v}
	o := sales.Opportunity{ID: r.uuid(0), Title: r.text(1), OrganizationID: r.nullUUID(2), PersonID: r.nullUUID(3),
		ContactPersonID: r.nullUUID(4), OwnerID: r.uuid(5), PipelineID: r.uuid(6), PhaseID: r.uuid(7),
		Probability: int(r.int(8)), EstimatedAmount: r.int(10), Currency: r.text(11),
		OfferDiscount: money.BasisPoints(r.int(12)), ExpectedOrderDate: r.nullDate(13), SourceID: r.nullUUID(14),
		Description: r.text(15), Status: sales.Status(r.text(16)), ClosedAt: r.nullTime(17), LostReason: r.nullText(18),
		CreatedBy: r.uuid(19), LineCount: int(r.int(20)), ExternalID: r.nullText(26), Version: r.int(27),
		CreatedAt: r.time(28), UpdatedAt: r.time(29)}
	if n, ok := r.nullInt(9); ok {
		p := int(n)
		o.ProbabilityOverride = &p
	}
	sub, ok1 := r.nullInt(21)
	disc, ok2 := r.nullInt(22)
	vat := r.nullText(23)
	vatTotal, ok3 := r.nullInt(24)
	total, ok4 := r.nullInt(25)
	if r.err != nil {
		return sales.Opportunity{}, r.err
	}
	if ok1 && ok2 && vat != nil && ok3 && ok4 {
		o.Totals = totalsCols{Subtotal: &sub, OfferDiscount: &disc, VAT: vat, VATTotal: &vatTotal, Total: &total}.
			decode(o.EstimatedAmount, o.Currency)
	}
	return o, nil
}

// LockOpportunity implements sales.Store.
func (r *Sales) LockOpportunity(ctx context.Context, id uuid.UUID) (sales.Opportunity, error) {
	var row opportunityRow
	err := r.db.conn(ctx).Clauses(clause.Locking{Strength: "UPDATE"}).Take(&row, "id = ?", id).Error
	if err != nil {
		return sales.Opportunity{}, translate(err)
	}
	return row.domain(), nil
}

// OpportunityByExternalID implements sales.Store.
func (r *Sales) OpportunityByExternalID(ctx context.Context, externalID string) (sales.Opportunity, error) {
	var row opportunityRow
	err := r.db.conn(ctx).Clauses(clause.Locking{Strength: "UPDATE"}).Take(&row, "external_id = ?", externalID).Error
	if err != nil {
		return sales.Opportunity{}, translate(err)
	}
	return row.domain(), nil
}

// Savepoint implements sales.Store.
func (r *Sales) Savepoint(ctx context.Context, fn func(context.Context) error) error {
	return r.db.Savepoint(ctx, fn)
}

// SaveOpportunity implements sales.Store: every mutable column by name, so
// that zero values (a 0 override, an empty description) are written too.
func (r *Sales) SaveOpportunity(ctx context.Context, o sales.Opportunity) error {
	cols := map[string]any{
		"title": o.Title, "organization_id": o.OrganizationID, "person_id": o.PersonID,
		"contact_person_id": o.ContactPersonID, "owner_id": o.OwnerID, "pipeline_id": o.PipelineID,
		"phase_id": o.PhaseID, "probability": o.Probability, "probability_override": o.ProbabilityOverride,
		"estimated_amount": o.EstimatedAmount, "currency": o.Currency, "offer_discount": int(o.OfferDiscount), "expected_order_date": o.ExpectedOrderDate,
		"source_id": o.SourceID, "description": o.Description, "status": string(o.Status), "closed_at": o.ClosedAt,
		"lost_reason": o.LostReason, "external_id": o.ExternalID, "updated_at": o.UpdatedAt, "version": gorm.Expr("version + 1"),
	}
	t := encodeTotals(o.Totals)
	cols["line_count"], cols["totals_subtotal"], cols["totals_offer_discount"] = o.LineCount, t.Subtotal, t.OfferDiscount
	cols["totals_vat"], cols["totals_vat_total"], cols["totals_total"] = t.VAT, t.VATTotal, t.Total
	res := r.db.conn(ctx).Model(&opportunityRow{}).Where("id = ?", o.ID).Updates(cols)
	if res.Error != nil {
		return translate(res.Error)
	}
	if res.RowsAffected == 0 {
		return translate(errNoRows)
	}
	return nil
}

// DeleteOpportunity implements sales.Store.
func (r *Sales) DeleteOpportunity(ctx context.Context, id uuid.UUID, ifVersion *int64) error {
	return deleteVersioned[opportunityRow](r.db.conn(ctx), id, ifVersion)
}

var opportunitySorts = map[string]sortCol{
	"created_at":          {"opportunities.created_at", "timestamptz"},
	"updated_at":          {"opportunities.updated_at", "timestamptz"},
	"estimated_amount":    {"opportunities.estimated_amount", "bigint"},
	"expected_order_date": {"COALESCE(opportunities.expected_order_date, 'infinity'::date)", "date"},
}

// ListOpportunities implements sales.Store: one statement, natively on pgx
// (readQuery) and scanned by hand like GET by id, since lists are the
// hottest reads after it.
func (r *Sales) ListOpportunities(ctx context.Context, f sales.OpportunityFilter, req page.Request) (page.Page[sales.Opportunity], error) {
	ws, err := wsID(ctx)
	if err != nil {
		return page.Page[sales.Opportunity]{}, err
	}
	var a sqlArgs
	where := opportunityWhere(ws, f, &a)
	cursor, tail, err := keysetSQL("opportunities", req, opportunitySorts, &a)
	if err != nil {
		return page.Page[sales.Opportunity]{}, err
	}
	if cursor != "" {
		where = append(where, cursor)
	}
	rows, err := r.db.readQuery(ctx, "SELECT "+opportunityColumns+" FROM opportunities WHERE "+
		strings.Join(where, " AND ")+tail, a...)
	if err != nil {
		return page.Page[sales.Opportunity]{}, translate(err)
	}
	defer rows.Close()
	opps := make([]sales.Opportunity, 0, req.Limit+1)
	scan := newOpportunityScan()
	for rows.Next() {
		o, err := scan.scan(rows)
		if err != nil {
			return page.Page[sales.Opportunity]{}, translate(err)
		}
		opps = append(opps, o)
	}
	if err := rows.Err(); err != nil {
		return page.Page[sales.Opportunity]{}, translate(err)
	}
	return cutPage(opps, req, func(o sales.Opportunity) (uuid.UUID, string) {
		switch req.Sort {
		case "updated_at":
			return o.ID, cursorText(o.UpdatedAt)
		case "estimated_amount":
			return o.ID, cursorText(o.EstimatedAmount)
		case "expected_order_date":
			if o.ExpectedOrderDate == nil {
				return o.ID, "infinity"
			}
			return o.ID, o.ExpectedOrderDate.Format(time.DateOnly)
		}
		return o.ID, cursorText(o.CreatedAt)
	}), nil
}

// opportunityWhere is the WHERE of a list of ws's opportunities matching f,
// its arguments added to a.
func opportunityWhere(ws uuid.UUID, f sales.OpportunityFilter, a *sqlArgs) []string {
	where := []string{"opportunities.workspace_id = " + a.add(pgUUID(ws))}
	eq := func(col string, v *uuid.UUID) {
		if v != nil {
			where = append(where, "opportunities."+col+" = "+a.add(pgUUID(*v)))
		}
	}
	eq("pipeline_id", f.PipelineID)
	eq("phase_id", f.PhaseID)
	eq("owner_id", f.OwnerID)
	eq("source_id", f.SourceID)
	eq("organization_id", f.OrganizationID)
	if f.PersonID != nil {
		p := a.add(pgUUID(*f.PersonID))
		where = append(where, "(opportunities.person_id = "+p+" OR opportunities.contact_person_id = "+p+")")
	}
	if f.Status != nil {
		where = append(where, "opportunities.status = "+a.add(string(*f.Status)))
	}
	if f.ExpectedFrom != nil {
		where = append(where, "opportunities.expected_order_date >= CAST("+a.add(f.ExpectedFrom.Format(time.DateOnly))+" AS date)")
	}
	if f.ExpectedTo != nil {
		where = append(where, "opportunities.expected_order_date <= CAST("+a.add(f.ExpectedTo.Format(time.DateOnly))+" AS date)")
	}
	if f.Query != "" {
		where = append(where, "lower(opportunities.title) LIKE "+a.add("%"+escapeLike(f.Query)+"%"))
	}
	if f.ExternalID != "" {
		where = append(where, "opportunities.external_id = "+a.add(f.ExternalID))
	}
	return where
}

type phaseChangeRow struct {
	ID              uuid.UUID `gorm:"primaryKey"`
	WorkspaceID     uuid.UUID
	OpportunityID   uuid.UUID
	FromPhaseID     *uuid.UUID
	FromPhaseName   *string
	ToPhaseID       uuid.UUID
	ToPhaseName     string
	FromProbability *int
	ToProbability   int
	ChangedBy       *uuid.UUID
	ActorKind       string
	ActorName       string
	ChangedAt       time.Time
}

func (phaseChangeRow) TableName() string { return "phase_changes" }

// RecordPhaseChange implements sales.Store.
func (r *Sales) RecordPhaseChange(ctx context.Context, pc sales.PhaseChange) error {
	row := phaseChangeRow{ID: pc.ID, OpportunityID: pc.OpportunityID, FromPhaseID: pc.FromPhaseID,
		FromPhaseName: pc.FromPhaseName, ToPhaseID: pc.ToPhaseID, ToPhaseName: pc.ToPhaseName,
		FromProbability: pc.FromProbability, ToProbability: pc.ToProbability, ChangedBy: pc.ChangedBy,
		ActorKind: actorKind(pc.ActorKind), ActorName: pc.ActorName, ChangedAt: pc.ChangedAt}
	return translate(r.db.conn(ctx).Create(&row).Error)
}

// PhaseChanges implements sales.Store, oldest first.
func (r *Sales) PhaseChanges(ctx context.Context, opportunityID uuid.UUID, req page.Request) (page.Page[sales.PhaseChange], error) {
	q, err := keyset(r.db.conn(ctx).Model(&phaseChangeRow{}).Where("opportunity_id = ?", opportunityID), req,
		map[string]sortCol{"changed_at": {"changed_at", "timestamptz"}})
	if err != nil {
		return page.Page[sales.PhaseChange]{}, err
	}
	var rows []phaseChangeRow
	if err := q.Find(&rows).Error; err != nil {
		return page.Page[sales.PhaseChange]{}, translate(err)
	}
	return pageOf(rows, req, func(p phaseChangeRow) sales.PhaseChange {
		return sales.PhaseChange{ID: p.ID, OpportunityID: p.OpportunityID, FromPhaseID: p.FromPhaseID,
			FromPhaseName: p.FromPhaseName, ToPhaseID: p.ToPhaseID, ToPhaseName: p.ToPhaseName,
			FromProbability: p.FromProbability, ToProbability: p.ToProbability, ChangedBy: p.ChangedBy,
			ActorKind: p.ActorKind, ActorName: p.ActorName, ChangedAt: p.ChangedAt}
	}, func(p phaseChangeRow) (uuid.UUID, string) { return p.ID, cursorText(p.ChangedAt) }), nil
}

// OpportunitiesInPhase implements sales.Store.
func (r *Sales) OpportunitiesInPhase(ctx context.Context, phaseID uuid.UUID) (int, error) {
	var n int64
	err := r.db.conn(ctx).Model(&opportunityRow{}).Where("phase_id = ?", phaseID).Count(&n).Error
	return int(n), translate(err)
}

// MovePhaseOpportunities implements sales.Store: it records every move and
// then moves them all in one statement, with the target phase's rules
// (override ended, probability and status from the phase, closed_at set on
// entering a final phase and cleared with the lost reason on reopening).
func (r *Sales) MovePhaseOpportunities(ctx context.Context, from uuid.UUID, to sales.Phase, pc sales.PhaseChange) ([]uuid.UUID, error) {
	at := pc.ChangedAt
	conn := r.db.conn(ctx)
	var moving []struct {
		ID          uuid.UUID
		Probability int
		Name        string
	}
	err := conn.Model(&opportunityRow{}).Select("opportunities.id, opportunities.probability, phases.name").
		Joins("JOIN phases ON phases.id = opportunities.phase_id").
		Where("opportunities.phase_id = ?", from).Clauses(clause.Locking{Strength: "UPDATE", Table: clause.Table{Name: "opportunities"}}).
		Scan(&moving).Error
	if err != nil || len(moving) == 0 {
		return nil, translate(err)
	}
	prob := sales.EffectiveProbability(to, nil)
	history := make([]phaseChangeRow, len(moving))
	ids := make([]uuid.UUID, len(moving))
	for i, m := range moving {
		ids[i] = m.ID
		history[i] = phaseChangeRow{ID: uuid.Must(uuid.NewV7()), OpportunityID: m.ID, FromPhaseID: &from,
			FromPhaseName: &moving[i].Name, ToPhaseID: to.ID, ToPhaseName: to.Name, FromProbability: &moving[i].Probability,
			ToProbability: prob, ChangedBy: pc.ChangedBy, ActorKind: actorKind(pc.ActorKind), ActorName: pc.ActorName,
			ChangedAt: at}
	}
	if err := conn.CreateInBatches(&history, 500).Error; err != nil {
		return nil, translate(err)
	}
	cols := map[string]any{"phase_id": to.ID, "probability": prob, "probability_override": nil,
		"status": string(to.Kind.Status()), "closed_at": nil, "version": gorm.Expr("version + 1"), "updated_at": at}
	if to.Kind.Final() {
		cols["closed_at"] = at
	} else {
		cols["lost_reason"] = nil
	}
	return ids, translate(conn.Model(&opportunityRow{}).Where("phase_id = ?", from).Updates(cols).Error)
}

// actorKind defaults an unnamed actor to a user, the column's default.
func actorKind(k string) string {
	if k == "" {
		return "user"
	}
	return k
}

// escapeLike lower-cases s and escapes LIKE's wildcards.
func escapeLike(s string) string {
	out := make([]rune, 0, len(s))
	for _, c := range []rune(toLower(s)) {
		if c == '%' || c == '_' || c == '\\' {
			out = append(out, '\\')
		}
		out = append(out, c)
	}
	return string(out)
}
