package postgres

import (
	"context"
	"strings"
	"time"

	"github.com/google/uuid"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/acme/crm/internal/errs"
	"github.com/acme/crm/internal/identity"
	"github.com/acme/crm/internal/page"
)

// Identity is the identity.Store over PostgreSQL.
type Identity struct{ db *DB }

// NewIdentity returns the identity repository.
func NewIdentity(db *DB) *Identity { return &Identity{db: db} }

// WithTx implements identity.Store.
func (r *Identity) WithTx(ctx context.Context, fn func(context.Context) error) error {
	return r.db.WithTx(ctx, fn)
}

type workspaceRow struct {
	ID              uuid.UUID `gorm:"primaryKey"`
	Name            string
	DefaultCurrency string
	FollowUpDays    int
	TimeZone        string
	// ExpireOpportunities is *bool so that GORM writes false on create.
	ExpireOpportunities *bool
	// InvoiceNumberFormat and PaymentTermsDays are pointers so that a
	// create leaves them to the columns' defaults when unset.
	InvoiceNumberFormat *string `gorm:"default:{year}-{seq}"`
	PaymentTermsDays    *int    `gorm:"default:30"`
	Version             int64
	CreatedAt           time.Time
	UpdatedAt           time.Time
}

func (workspaceRow) TableName() string { return "workspaces" }

type userRow struct {
	ID           uuid.UUID `gorm:"primaryKey"`
	WorkspaceID  uuid.UUID
	Email        string
	Name         string
	PasswordHash string
	Role         string
	Active       bool
	// Language and EmailNotifications are pointers so that reads of
	// partial rows keep the domain's defaults.
	Language           *string
	EmailNotifications *bool
	LastLoginAt        *time.Time
	Version            int64
	CreatedAt          time.Time
	UpdatedAt          time.Time
}

func (userRow) TableName() string { return "users" }

func (u userRow) domain() identity.User {
	out := identity.User{ID: u.ID, WorkspaceID: u.WorkspaceID, Email: u.Email, Name: u.Name,
		Role: identity.Role(u.Role), Active: u.Active, Language: "en", EmailNotifications: true,
		LastLoginAt: u.LastLoginAt, Version: u.Version, CreatedAt: u.CreatedAt, UpdatedAt: u.UpdatedAt}
	if u.Language != nil {
		out.Language = *u.Language
	}
	if u.EmailNotifications != nil {
		out.EmailNotifications = *u.EmailNotifications
	}
	return out
}

type refreshRow struct {
	ID          uuid.UUID `gorm:"primaryKey"`
	WorkspaceID uuid.UUID
	UserID      uuid.UUID
	FamilyID    uuid.UUID
	TokenHash   []byte
	ExpiresAt   time.Time
	UsedAt      *time.Time
	RevokedAt   *time.Time
	CreatedAt   time.Time
}

func (refreshRow) TableName() string { return "refresh_tokens" }

type apiKeyRow struct {
	ID          uuid.UUID `gorm:"primaryKey"`
	WorkspaceID uuid.UUID
	Name        string
	Prefix      string
	KeyHash     []byte
	Role        string
	CreatedBy   uuid.UUID
	LastUsedAt  *time.Time
	RevokedAt   *time.Time
	// RateLimitPerMinute is nil for the server's default.
	RateLimitPerMinute *int
	Version            int64
	CreatedAt          time.Time
	// CreatorRole and CreatorActive are read with the key (APIKeyByHash),
	// never written.
	CreatorRole   string `gorm:"->;-:migration"`
	CreatorActive bool   `gorm:"->;-:migration"`
}

func (apiKeyRow) TableName() string { return "api_keys" }

func (k apiKeyRow) domain() identity.APIKey {
	return identity.APIKey{ID: k.ID, Name: k.Name, Prefix: k.Prefix, Role: identity.Role(k.Role),
		CreatedBy: k.CreatedBy, LastUsedAt: k.LastUsedAt, RevokedAt: k.RevokedAt, CreatedAt: k.CreatedAt,
		RateLimitPerMinute: k.RateLimitPerMinute}
}

// CreateWorkspace implements identity.Store.
func (r *Identity) CreateWorkspace(ctx context.Context, ws identity.Workspace) error {
	tz := ws.TimeZone
	if tz == "" {
		tz = identity.DefaultTimeZone
	}
	row := workspaceRow{ID: ws.ID, Name: ws.Name, DefaultCurrency: ws.DefaultCurrency,
		FollowUpDays: ws.FollowUpDays, TimeZone: tz, ExpireOpportunities: &ws.ExpireOpportunities,
		InvoiceNumberFormat: nonEmpty(ws.InvoiceNumberFormat), PaymentTermsDays: positive(ws.PaymentTermsDays),
		Version: 1, CreatedAt: ws.CreatedAt, UpdatedAt: ws.CreatedAt}
	return translate(r.db.conn(ctx).Create(&row).Error)
}

// Workspace implements identity.Store: the context's workspace.
func (r *Identity) Workspace(ctx context.Context) (identity.Workspace, error) {
	ws, err := wsID(ctx)
	if err != nil {
		return identity.Workspace{}, err
	}
	var row workspaceRow
	if err := r.db.conn(ctx).Take(&row, "id = ?", ws).Error; err != nil {
		return identity.Workspace{}, translate(err)
	}
	return row.domain(), nil
}

func (row workspaceRow) domain() identity.Workspace {
	return identity.Workspace{ID: row.ID, Name: row.Name, DefaultCurrency: row.DefaultCurrency,
		FollowUpDays: row.FollowUpDays, TimeZone: row.TimeZone, ExpireOpportunities: row.ExpireOpportunities != nil && *row.ExpireOpportunities,
		InvoiceNumberFormat: deref(row.InvoiceNumberFormat), PaymentTermsDays: derefInt(row.PaymentTermsDays, 30),
		Version: row.Version, CreatedAt: row.CreatedAt}
}

// UpdateWorkspace implements identity.Store: the context's workspace.
func (r *Identity) UpdateWorkspace(ctx context.Context, p identity.WorkspacePatch, ifVersion *int64) (identity.Workspace, error) {
	ws, err := wsID(ctx)
	if err != nil {
		return identity.Workspace{}, err
	}
	cols := map[string]any{"updated_at": time.Now().UTC()}
	if p.Name != nil {
		cols["name"] = *p.Name
	}
	if p.DefaultCurrency != nil {
		cols["default_currency"] = *p.DefaultCurrency
	}
	if p.FollowUpDays != nil {
		cols["follow_up_days"] = *p.FollowUpDays
	}
	if p.TimeZone != nil {
		cols["time_zone"] = *p.TimeZone
	}
	if p.ExpireOpportunities != nil {
		cols["expire_opportunities"] = *p.ExpireOpportunities
	}
	if p.InvoiceNumberFormat != nil {
		cols["invoice_number_format"] = *p.InvoiceNumberFormat
	}
	if p.PaymentTermsDays != nil {
		cols["payment_terms_days"] = *p.PaymentTermsDays
	}
	var row workspaceRow
	if err := updateVersioned(r.db.conn(ctx), &row, ws, ifVersion, cols); err != nil {
		return identity.Workspace{}, err
	}
	return r.Workspace(ctx)
}

// CreateUser implements identity.Store.
func (r *Identity) CreateUser(ctx context.Context, u identity.User, hash string) error {
	row := userRow{ID: u.ID, WorkspaceID: u.WorkspaceID, Email: u.Email, Name: u.Name, PasswordHash: hash, Role: string(u.Role),
		Active: u.Active, Version: 1, CreatedAt: u.CreatedAt, UpdatedAt: u.UpdatedAt}
	lang := u.Language
	if lang == "" {
		lang = "en"
	}
	row.Language, row.EmailNotifications = &lang, &u.EmailNotifications
	return translate(r.db.conn(ctx).Create(&row).Error)
}

// User implements identity.Store.
func (r *Identity) User(ctx context.Context, id uuid.UUID) (identity.User, error) {
	var row userRow
	if err := r.db.conn(ctx).Take(&row, "id = ?", id).Error; err != nil {
		return identity.User{}, translate(err)
	}
	return row.domain(), nil
}

// Profile implements identity.Store: the user, their workspace and their
// unread notification count in one statement, scanned without reflection.
func (r *Identity) Profile(ctx context.Context, userID uuid.UUID) (identity.Profile, error) {
	ws, err := wsID(ctx)
	if err != nil {
		return identity.Profile{}, err
	}
	var p identity.Profile
	var u userRow
	var w workspaceRow
	err = r.db.one(ctx, func(rows rowScanner) error {
		return rows.Scan(&u.ID, &u.WorkspaceID, &u.Email, &u.Name, &u.Role, &u.Active, &u.Language,
			&u.EmailNotifications, &u.LastLoginAt, &u.Version, &u.CreatedAt, &u.UpdatedAt,
			&w.ID, &w.Name, &w.DefaultCurrency, &w.FollowUpDays, &w.TimeZone, &w.ExpireOpportunities,
			&w.InvoiceNumberFormat, &w.PaymentTermsDays, &w.Version, &w.CreatedAt, &p.UnreadNotifications)
	}, `SELECT u.id, u.workspace_id, u.email, u.name, u.role, u.active, u.language, u.email_notifications,
		u.last_login_at, u.version, u.created_at, u.updated_at,
		w.id, w.name, w.default_currency, w.follow_up_days, w.time_zone, w.expire_opportunities,
		w.invoice_number_format, w.payment_terms_days, w.version, w.created_at,
		(SELECT count(*) FROM notifications n WHERE n.workspace_id = u.workspace_id AND n.user_id = u.id AND n.read_at IS NULL)
		FROM users u JOIN workspaces w ON w.id = u.workspace_id
		WHERE u.workspace_id = $1 AND u.id = $2`, ws, userID)
	if err != nil {
		return identity.Profile{}, err
	}
	p.User, p.Workspace = u.domain(), w.domain()
	return p, nil
}

// LockUser implements identity.Store: reads the user FOR UPDATE.
func (r *Identity) LockUser(ctx context.Context, id uuid.UUID) (identity.User, error) {
	var row userRow
	err := r.db.conn(ctx).Clauses(clause.Locking{Strength: "UPDATE"}).Take(&row, "id = ?", id).Error
	if err != nil {
		return identity.User{}, translate(err)
	}
	return row.domain(), nil
}

// UserByEmail implements identity.Store (across workspaces: use a System context).
func (r *Identity) UserByEmail(ctx context.Context, email string) (identity.User, string, error) {
	var row userRow
	if err := r.db.conn(ctx).Take(&row, "lower(email) = lower(?)", email).Error; err != nil {
		return identity.User{}, "", translate(err)
	}
	return row.domain(), row.PasswordHash, nil
}

var userSorts = map[string]sortCol{
	"created_at": {"created_at", "timestamptz"},
	"email":      {"email", "text"},
	"name":       {"name", "text"},
}

// ListUsers implements identity.Store.
func (r *Identity) ListUsers(ctx context.Context, req page.Request) (page.Page[identity.User], error) {
	var rows []userRow
	q, err := keyset(r.db.conn(ctx).Model(&userRow{}), req, userSorts)
	if err != nil {
		return page.Page[identity.User]{}, err
	}
	if err := q.Find(&rows).Error; err != nil {
		return page.Page[identity.User]{}, translate(err)
	}
	return pageOf(rows, req, func(u userRow) identity.User { return u.domain() }, func(u userRow) (uuid.UUID, string) {
		return u.ID, cursorText(map[string]any{"created_at": u.CreatedAt, "email": u.Email, "name": u.Name}[req.Sort])
	}), nil
}

// UpdateUser implements identity.Store: writes exactly the named fields.
func (r *Identity) UpdateUser(ctx context.Context, id uuid.UUID, p identity.UserPatch, at time.Time) (identity.User, error) {
	cols := map[string]any{"updated_at": at, "version": gorm.Expr("version + 1")}
	if p.Name != nil {
		cols["name"] = *p.Name
	}
	if p.Role != nil {
		cols["role"] = string(*p.Role)
	}
	if p.Active != nil {
		cols["active"] = *p.Active
	}
	if p.Language != nil {
		cols["language"] = *p.Language
	}
	if p.EmailNotifications != nil {
		cols["email_notifications"] = *p.EmailNotifications
	}
	var row userRow
	res := r.db.conn(ctx).Model(&row).Clauses(clause.Returning{}).Where("id = ?", id).Updates(cols)
	if res.Error != nil {
		return identity.User{}, translate(res.Error)
	}
	if res.RowsAffected == 0 {
		return identity.User{}, translate(errNoRows)
	}
	return row.domain(), nil
}

// CountActiveAdmins implements identity.Store.
func (r *Identity) CountActiveAdmins(ctx context.Context) (int, error) {
	var n int64
	err := r.db.conn(ctx).Model(&userRow{}).Where("role = 'admin' AND active").Count(&n).Error
	return int(n), translate(err)
}

// PasswordHash implements identity.Store.
func (r *Identity) PasswordHash(ctx context.Context, id uuid.UUID) (string, error) {
	var row userRow
	if err := r.db.conn(ctx).Select("password_hash").Take(&row, "id = ?", id).Error; err != nil {
		return "", translate(err)
	}
	return row.PasswordHash, nil
}

// SetPassword implements identity.Store.
func (r *Identity) SetPassword(ctx context.Context, id uuid.UUID, hash string) error {
	return r.updateOne(ctx, &userRow{}, id, map[string]any{"password_hash": hash, "updated_at": time.Now().UTC()})
}

// TouchLogin implements identity.Store.
func (r *Identity) TouchLogin(ctx context.Context, id uuid.UUID, at time.Time) error {
	return r.updateOne(ctx, &userRow{}, id, map[string]any{"last_login_at": at})
}

func (r *Identity) updateOne(ctx context.Context, model any, id uuid.UUID, cols map[string]any) error {
	res := r.db.conn(ctx).Model(model).Where("id = ?", id).Updates(cols)
	if res.Error != nil {
		return translate(res.Error)
	}
	if res.RowsAffected == 0 {
		return translate(errNoRows)
	}
	return nil
}

// CreateRefreshToken implements identity.Store.
func (r *Identity) CreateRefreshToken(ctx context.Context, rt identity.RefreshToken) error {
	row := refreshRow{ID: rt.ID, UserID: rt.UserID, FamilyID: rt.FamilyID, TokenHash: rt.Hash,
		ExpiresAt: rt.ExpiresAt, CreatedAt: time.Now().UTC()}
	return translate(r.db.conn(ctx).Create(&row).Error)
}

// LockRefreshToken implements identity.Store: finds a token by hash FOR UPDATE.
func (r *Identity) LockRefreshToken(ctx context.Context, hash []byte) (identity.RefreshToken, error) {
	var row refreshRow
	err := r.db.conn(ctx).Clauses(clause.Locking{Strength: "UPDATE"}).Take(&row, "token_hash = ?", hash).Error
	if err != nil {
		return identity.RefreshToken{}, translate(err)
	}
	return identity.RefreshToken{ID: row.ID, WorkspaceID: row.WorkspaceID, UserID: row.UserID,
		FamilyID: row.FamilyID, Hash: row.TokenHash, ExpiresAt: row.ExpiresAt, UsedAt: row.UsedAt,
		RevokedAt: row.RevokedAt}, nil
}

// MarkRefreshUsed implements identity.Store.
func (r *Identity) MarkRefreshUsed(ctx context.Context, id uuid.UUID, at time.Time) error {
	return r.updateOne(ctx, &refreshRow{}, id, map[string]any{"used_at": at})
}

// RevokeFamily implements identity.Store.
func (r *Identity) RevokeFamily(ctx context.Context, family uuid.UUID, at time.Time) error {
	return translate(r.db.conn(ctx).Model(&refreshRow{}).
		Where("family_id = ? AND revoked_at IS NULL", family).Update("revoked_at", at).Error)
}

// RevokeUserTokens implements identity.Store.
func (r *Identity) RevokeUserTokens(ctx context.Context, userID uuid.UUID, at time.Time) error {
	if err := r.db.conn(ctx).Model(&refreshRow{}).
		Where("user_id = ? AND revoked_at IS NULL", userID).Update("revoked_at", at).Error; err != nil {
		return translate(err)
	}
	return translate(r.db.conn(ctx).Model(&userRow{}).Where("id = ?", userID).
		UpdateColumn("sessions_valid_after", at).Error)
}

// SessionState implements identity.Store in one query (across workspaces:
// use a System context).
func (r *Identity) SessionState(ctx context.Context, userID uuid.UUID, revokedSince time.Time) (identity.SessionState, error) {
	var row struct {
		Role       string
		Active     bool
		ValidAfter time.Time
		Revoked    string
	}
	res := r.db.conn(ctx).Raw(`SELECT u.role, u.active, u.sessions_valid_after AS valid_after,
		coalesce((SELECT string_agg(DISTINCT t.family_id::text, ',') FROM refresh_tokens t
		          WHERE t.user_id = u.id AND t.revoked_at > ?), '') AS revoked
		FROM users u WHERE u.id = ?`, revokedSince, userID).Scan(&row)
	if res.Error != nil {
		return identity.SessionState{}, translate(res.Error)
	}
	if res.RowsAffected == 0 {
		return identity.SessionState{}, errs.NotFoundf("no such user")
	}
	st := identity.SessionState{Role: identity.Role(row.Role), Active: row.Active, ValidAfter: row.ValidAfter,
		Revoked: map[uuid.UUID]bool{}}
	for _, s := range strings.Split(row.Revoked, ",") {
		if id, err := uuid.Parse(s); err == nil {
			st.Revoked[id] = true
		}
	}
	return st, nil
}

// CreateAPIKey implements identity.Store.
func (r *Identity) CreateAPIKey(ctx context.Context, k identity.APIKey, hash []byte) error {
	row := apiKeyRow{ID: k.ID, Name: k.Name, Prefix: k.Prefix, KeyHash: hash, Role: string(k.Role),
		CreatedBy: k.CreatedBy, RateLimitPerMinute: k.RateLimitPerMinute, Version: 1, CreatedAt: k.CreatedAt}
	return translate(r.db.conn(ctx).Create(&row).Error)
}

// APIKeyByHash implements identity.Store (across workspaces: use a System context).
func (r *Identity) APIKeyByHash(ctx context.Context, hash []byte) (identity.APIKey, identity.KeyOwner, error) {
	var row apiKeyRow
	// The creator's state in the same statement: a sub-select per column
	// keeps the key's row a plain apiKeyRow.
	err := r.db.conn(ctx).Select("api_keys.*",
		"(SELECT u.role FROM users u WHERE u.id = api_keys.created_by) AS creator_role",
		"(SELECT u.active FROM users u WHERE u.id = api_keys.created_by) AS creator_active").
		Where("key_hash = ?", hash).Take(&row).Error
	if err != nil {
		return identity.APIKey{}, identity.KeyOwner{}, translate(err)
	}
	return row.domain(), identity.KeyOwner{WorkspaceID: row.WorkspaceID, CreatorRole: identity.Role(row.CreatorRole),
		CreatorActive: row.CreatorActive}, nil
}

// TouchAPIKey implements identity.Store.
func (r *Identity) TouchAPIKey(ctx context.Context, id uuid.UUID, at time.Time) error {
	return translate(r.db.conn(ctx).Model(&apiKeyRow{}).Where("id = ?", id).Update("last_used_at", at).Error)
}

var apiKeySorts = map[string]sortCol{
	"created_at": {"created_at", "timestamptz"},
	"name":       {"name", "text"},
}

// ListAPIKeys implements identity.Store.
func (r *Identity) ListAPIKeys(ctx context.Context, req page.Request) (page.Page[identity.APIKey], error) {
	var rows []apiKeyRow
	q, err := keyset(r.db.conn(ctx).Model(&apiKeyRow{}), req, apiKeySorts)
	if err != nil {
		return page.Page[identity.APIKey]{}, err
	}
	if err := q.Find(&rows).Error; err != nil {
		return page.Page[identity.APIKey]{}, translate(err)
	}
	return pageOf(rows, req, apiKeyRow.domain, func(k apiKeyRow) (uuid.UUID, string) {
		return k.ID, cursorText(map[string]any{"created_at": k.CreatedAt, "name": k.Name}[req.Sort])
	}), nil
}

// RevokeAPIKey implements identity.Store; revoking twice keeps the first time.
func (r *Identity) RevokeAPIKey(ctx context.Context, id uuid.UUID, at time.Time) error {
	res := r.db.conn(ctx).Model(&apiKeyRow{}).Where("id = ?", id).
		Update("revoked_at", gorm.Expr("COALESCE(revoked_at, ?)", at))
	if res.Error != nil {
		return translate(res.Error)
	}
	if res.RowsAffected == 0 {
		return translate(errNoRows)
	}
	return nil
}

func derefInt(p *int, def int) int {
	if p == nil {
		return def
	}
	return *p
}

func positive(n int) *int {
	if n <= 0 {
		return nil
	}
	return &n
}

type signupRow struct {
	ID            uuid.UUID `gorm:"primaryKey"`
	Email         string
	CodeHash      []byte
	WorkspaceName string
	Name          string
	Currency      string
	PasswordHash  string
	ExpiresAt     time.Time
	CreatedAt     time.Time
}

func (signupRow) TableName() string { return "signup_requests" }

// CreateSignupRequest implements identity.Store.
func (r *Identity) CreateSignupRequest(ctx context.Context, s identity.SignupRequest, now time.Time) error {
	db := r.db.conn(ctx)
	if err := db.Exec(`DELETE FROM signup_requests WHERE expires_at < ?`, now).Error; err != nil {
		return translate(err)
	}
	row := signupRow{ID: s.ID, Email: s.Email, CodeHash: s.CodeHash, WorkspaceName: s.WorkspaceName, Name: s.Name,
		Currency: s.Currency, PasswordHash: s.PasswordHash, ExpiresAt: s.ExpiresAt, CreatedAt: now}
	return translate(db.Create(&row).Error)
}

// TakeSignupRequest implements identity.Store.
func (r *Identity) TakeSignupRequest(ctx context.Context, codeHash []byte) (identity.SignupRequest, error) {
	var row signupRow
	res := r.db.conn(ctx).Raw(`DELETE FROM signup_requests WHERE code_hash = ? RETURNING *`, codeHash).Scan(&row)
	if res.Error != nil {
		return identity.SignupRequest{}, translate(res.Error)
	}
	if res.RowsAffected == 0 {
		return identity.SignupRequest{}, errs.NotFoundf("no such signup")
	}
	return identity.SignupRequest{ID: row.ID, Email: row.Email, CodeHash: row.CodeHash, WorkspaceName: row.WorkspaceName,
		Name: row.Name, Currency: row.Currency, PasswordHash: row.PasswordHash, ExpiresAt: row.ExpiresAt}, nil
}

// DeleteSignupRequests implements identity.Store.
func (r *Identity) DeleteSignupRequests(ctx context.Context, email string) error {
	return translate(r.db.conn(ctx).Exec(`DELETE FROM signup_requests WHERE lower(email) = lower(?)`, email).Error)
}
