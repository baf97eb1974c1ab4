package identity

import (
	"context"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/acme/crm/internal/errs"
)

// NewUser is an admin's request to add a colleague with an initial password.
type NewUser struct {
	Email    string
	Name     string
	Password string
	Role     Role
}

// CreateUser adds a user to the caller's workspace (admins only).
func (s *Service) CreateUser(ctx context.Context, in NewUser) (User, error) {
	if err := RequireAdmin(ctx); err != nil {
		return User{}, err
	}
	var fields []errs.FieldError
	name, err := CheckName("name", in.Name)
	fields = appendFields(fields, err)
	email, err := NormalizeEmail("email", in.Email)
	fields = appendFields(fields, err)
	fields = appendFields(fields, CheckPassword("password", in.Password))
	if in.Role == "" {
		in.Role = RoleMember
	}
	if !in.Role.Valid() {
		fields = append(fields, errs.FieldError{Field: "role", Message: "must be admin or member"})
	}
	if err := errs.Fields("invalid user", fields...); err != nil {
		return User{}, err
	}
	hash, err := s.passwords.Hash(in.Password)
	if err != nil {
		return User{}, err
	}
	p, _ := PrincipalFrom(ctx)
	ws, err := s.store.Workspace(ctx)
	if err != nil {
		return User{}, err
	}
	now := s.now()
	u := User{ID: newID(), WorkspaceID: p.WorkspaceID, Email: email, Name: name, Role: in.Role,
		Active: true, Language: languageOf(ws.DefaultCurrency), EmailNotifications: true, Version: 1,
		CreatedAt: now, UpdatedAt: now}
	if err := s.store.CreateUser(ctx, u, hash); err != nil {
		return User{}, conflictEmail(err)
	}
	return u, nil
}

// UserPatch names the fields to change; nil means unchanged.
type UserPatch struct {
	Name   *string
	Role   *Role
	Active *bool
	// Language and EmailNotifications are the user's own settings (UpdateMe).
	Language           *string
	EmailNotifications *bool
}

// MePatch changes the caller's own settings; nil fields stay.
type MePatch struct {
	Name *string
	// Language is "en" or "sv": the language of the product's e-mails to
	// the user.
	Language *string
	// EmailNotifications says whether notifications also come by e-mail.
	EmailNotifications *bool
}

// UpdateMe changes the calling user's name, language and e-mail
// notification setting. API keys have no user settings (Forbidden).
func (s *Service) UpdateMe(ctx context.Context, patch MePatch, ifVersion *int64) (User, error) {
	p, err := Caller(ctx)
	if err != nil {
		return User{}, err
	}
	if p.APIKey {
		return User{}, errs.New(errs.Forbidden, "API keys have no user settings")
	}
	up := UserPatch{Language: patch.Language, EmailNotifications: patch.EmailNotifications}
	if patch.Name != nil {
		n, err := CheckName("name", *patch.Name)
		if err != nil {
			return User{}, err
		}
		up.Name = &n
	}
	if patch.Language != nil && *patch.Language != "en" && *patch.Language != "sv" {
		return User{}, errs.Field("language", "must be en or sv")
	}
	var out User
	err = s.store.WithTx(ctx, func(ctx context.Context) error {
		cur, err := s.store.LockUser(ctx, p.UserID)
		if err != nil {
			return err
		}
		if ifVersion != nil && *ifVersion != cur.Version {
			return errs.New(errs.PreconditionFailed, "your settings were changed elsewhere (version %d, you sent %d)", cur.Version, *ifVersion)
		}
		out, err = s.store.UpdateUser(ctx, p.UserID, up, s.now())
		return err
	})
	return out, err
}

// UpdateUser changes a user's name, role or active flag (admins only).
// ifVersion, when set, must match the stored version (else PreconditionFailed).
// The workspace always keeps at least one active admin (else Conflict).
// Deactivating a user revokes their refresh tokens.
func (s *Service) UpdateUser(ctx context.Context, id uuid.UUID, patch UserPatch, ifVersion *int64) (User, error) {
	if err := RequireAdmin(ctx); err != nil {
		return User{}, err
	}
	if patch.Name != nil {
		n, err := CheckName("name", *patch.Name)
		if err != nil {
			return User{}, err
		}
		patch.Name = &n
	}
	if patch.Role != nil && !patch.Role.Valid() {
		return User{}, errs.Field("role", "must be admin or member")
	}
	var out User
	err := s.store.WithTx(ctx, func(ctx context.Context) error {
		cur, err := s.store.LockUser(ctx, id)
		if err != nil {
			return err
		}
		if ifVersion != nil && *ifVersion != cur.Version {
			return errs.New(errs.PreconditionFailed, "the user was changed by someone else (version %d, you sent %d)", cur.Version, *ifVersion)
		}
		if err := s.keepAnAdmin(ctx, cur, patch); err != nil {
			return err
		}
		out, err = s.store.UpdateUser(ctx, id, patch, s.now())
		if err != nil {
			return err
		}
		if patch.Active != nil && !*patch.Active {
			return s.store.RevokeUserTokens(ctx, id, s.now())
		}
		return nil
	})
	if err == nil {
		s.sessions.invalidate(id) // a new role or a deactivation counts at once
	}
	return out, err
}

func (s *Service) keepAnAdmin(ctx context.Context, cur User, patch UserPatch) error {
	demoted := patch.Role != nil && *patch.Role != RoleAdmin
	deactivated := patch.Active != nil && !*patch.Active
	if cur.Role != RoleAdmin || !cur.Active || !(demoted || deactivated) {
		return nil
	}
	n, err := s.store.CountActiveAdmins(ctx)
	if err != nil {
		return err
	}
	if n <= 1 {
		return errs.Conflictf("the workspace needs at least one active admin")
	}
	return nil
}

func appendFields(fields []errs.FieldError, err error) []errs.FieldError {
	if e, ok := errs.As(err); ok {
		return append(fields, e.Fields...)
	}
	return fields
}

// ParseRole reads a role name.
func ParseRole(s string) Role { return Role(strings.ToLower(strings.TrimSpace(s))) }

// WorkspacePatch changes the workspace's settings; nil fields stay.
type WorkspacePatch struct {
	Name            *string
	DefaultCurrency *string
	FollowUpDays    *int
	// TimeZone is an IANA zone name ("Europe/Stockholm").
	TimeZone            *string
	ExpireOpportunities *bool
	InvoiceNumberFormat *string
	PaymentTermsDays    *int
}

// UpdateWorkspace changes the caller's workspace settings (admins).
// ifVersion, when set, must match the stored version.
func (s *Service) UpdateWorkspace(ctx context.Context, patch WorkspacePatch, ifVersion *int64) (Workspace, error) {
	if err := RequireAdmin(ctx); err != nil {
		return Workspace{}, err
	}
	var fields []errs.FieldError
	if patch.Name != nil {
		n, err := CheckName("name", *patch.Name)
		fields = appendFields(fields, err)
		patch.Name = &n
	}
	if patch.DefaultCurrency != nil {
		c := strings.ToUpper(strings.TrimSpace(*patch.DefaultCurrency))
		if !isCurrencyCode(c) {
			fields = append(fields, errs.FieldError{Field: "default_currency", Message: "must be an ISO 4217 currency code"})
		}
		patch.DefaultCurrency = &c
	}
	if patch.FollowUpDays != nil && (*patch.FollowUpDays < 0 || *patch.FollowUpDays > 365) {
		fields = append(fields, errs.FieldError{Field: "follow_up_days", Message: "must be from 0 to 365"})
	}
	if patch.TimeZone != nil {
		if _, err := time.LoadLocation(*patch.TimeZone); err != nil || *patch.TimeZone == "" || *patch.TimeZone == "Local" {
			fields = append(fields, errs.FieldError{Field: "time_zone", Message: "must be an IANA time zone such as Europe/Stockholm"})
		}
	}
	if patch.PaymentTermsDays != nil && (*patch.PaymentTermsDays < 0 || *patch.PaymentTermsDays > 365) {
		fields = append(fields, errs.FieldError{Field: "payment_terms_days", Message: "must be from 0 to 365"})
	}
	if patch.InvoiceNumberFormat != nil && s.checkNumberFormat != nil {
		if e, ok := errs.As(s.checkNumberFormat("invoice_number_format", *patch.InvoiceNumberFormat)); ok {
			fields = append(fields, e.Fields...)
		}
	}
	if err := errs.Fields("invalid workspace settings", fields...); err != nil {
		return Workspace{}, err
	}
	return s.store.UpdateWorkspace(ctx, patch, ifVersion)
}
