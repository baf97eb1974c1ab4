package identity

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/acme/crm/internal/errs"
)

// users answers one stored user and the number of active admins, and
// records what the service hands to storage; the other Store methods are
// not used here (the nil embedded Store would panic).
type users struct {
	Store
	cur       User
	admins    int
	created   *User
	updated   *UserPatch
	wsPatch   *WorkspacePatch
	revoked   bool
	workspace Workspace
}

func (u *users) WithTx(ctx context.Context, fn func(ctx context.Context) error) error { return fn(ctx) }
func (u *users) LockUser(context.Context, uuid.UUID) (User, error)                    { return u.cur, nil }
func (u *users) CountActiveAdmins(context.Context) (int, error)                       { return u.admins, nil }
func (u *users) Workspace(context.Context) (Workspace, error)                         { return u.workspace, nil }
func (u *users) UpdateUser(_ context.Context, _ uuid.UUID, p UserPatch, _ time.Time) (User, error) {
	u.updated = &p
	return u.cur, nil
}
func (u *users) RevokeUserTokens(context.Context, uuid.UUID, time.Time) error {
	u.revoked = true
	return nil
}
func (u *users) CreateUser(_ context.Context, n User, _ string) error { u.created = &n; return nil }
func (u *users) UpdateWorkspace(_ context.Context, p WorkspacePatch, _ *int64) (Workspace, error) {
	u.wsPatch = &p
	return u.workspace, nil
}

func asAdmin() context.Context {
	return WithPrincipal(context.Background(), Principal{WorkspaceID: uuid.New(), ID: uuid.New(), UserID: uuid.New(), Role: RoleAdmin})
}

func TestWorkspaceKeepsAnActiveAdmin(t *testing.T) {
	admin := User{Role: RoleAdmin, Active: true, Version: 2}
	member := User{Role: RoleMember, Active: true, Version: 2}
	tests := []struct {
		name    string
		cur     User
		admins  int
		patch   UserPatch
		refused bool
		revoked bool
	}{
		{"demote one of two admins", admin, 2, UserPatch{Role: ptr(RoleMember)}, false, false},
		{"demote the last admin", admin, 1, UserPatch{Role: ptr(RoleMember)}, true, false},
		{"deactivate the last admin", admin, 1, UserPatch{Active: ptr(false)}, true, false},
		{"deactivate one of two admins", admin, 2, UserPatch{Active: ptr(false)}, false, true},
		{"rename the last admin", admin, 1, UserPatch{Name: ptr("Ann")}, false, false},
		{"keep the last admin an admin", admin, 1, UserPatch{Role: ptr(RoleAdmin), Active: ptr(true)}, false, false},
		{"deactivate a member", member, 1, UserPatch{Active: ptr(false)}, false, true},
		{"demote an inactive admin", User{Role: RoleAdmin}, 1, UserPatch{Role: ptr(RoleMember)}, false, false},
		{"no admin left at all", admin, 0, UserPatch{Active: ptr(false)}, true, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st := &users{cur: tt.cur, admins: tt.admins}
			_, err := NewService(Config{Store: st}).UpdateUser(asAdmin(), uuid.New(), tt.patch, nil)
			if tt.refused {
				if !errs.Is(err, errs.Conflict) || st.updated != nil {
					t.Fatalf("got %v (stored %v), want a conflict and nothing stored", err, st.updated != nil)
				}
				return
			}
			if err != nil || st.updated == nil || st.revoked != tt.revoked {
				t.Fatalf("got %v, stored %v, revoked %v; want stored, revoked %v", err, st.updated != nil, st.revoked, tt.revoked)
			}
		})
	}
}

func TestUpdateUserChecksBeforeStoring(t *testing.T) {
	st := &users{cur: User{Role: RoleMember, Version: 3}}
	s := NewService(Config{Store: st})
	member := WithPrincipal(context.Background(), Principal{Role: RoleMember})
	if _, err := s.UpdateUser(member, uuid.New(), UserPatch{}, nil); !errs.Is(err, errs.Forbidden) {
		t.Errorf("member: got %v", err)
	}
	_, err := s.UpdateUser(asAdmin(), uuid.New(), UserPatch{Name: ptr(" ")}, nil)
	wantFields(t, err, "name")
	_, err = s.UpdateUser(asAdmin(), uuid.New(), UserPatch{Role: ptr(Role("owner"))}, nil)
	wantFields(t, err, "role")
	if _, err := s.UpdateUser(asAdmin(), uuid.New(), UserPatch{}, ptr(int64(2))); !errs.Is(err, errs.PreconditionFailed) {
		t.Errorf("stale version: got %v", err)
	}
	if st.updated != nil {
		t.Fatal("a refused change was stored")
	}
	if _, err := s.UpdateUser(asAdmin(), uuid.New(), UserPatch{Name: ptr(" Bo ")}, ptr(int64(3))); err != nil || *st.updated.Name != "Bo" {
		t.Errorf("got %v, name %v", err, st.updated)
	}
}

func TestUpdateMeChangesOnlyOwnSettings(t *testing.T) {
	me := WithPrincipal(context.Background(), Principal{UserID: uuid.New(), Role: RoleMember})
	key := WithPrincipal(context.Background(), Principal{UserID: uuid.New(), Role: RoleAdmin, APIKey: true})
	tests := []struct {
		name      string
		ctx       context.Context
		patch     MePatch
		ifVersion *int64
		want      errs.Code
		field     string
	}{
		{"nobody", context.Background(), MePatch{}, nil, errs.Unauthorized, ""},
		{"an API key", key, MePatch{}, nil, errs.Forbidden, ""},
		{"blank name", me, MePatch{Name: ptr("")}, nil, errs.Invalid, "name"},
		{"German", me, MePatch{Language: ptr("de")}, nil, errs.Invalid, "language"},
		{"stale version", me, MePatch{Language: ptr("sv")}, ptr(int64(1)), errs.PreconditionFailed, ""},
		{"Swedish", me, MePatch{Language: ptr("sv"), Name: ptr(" Ann "), EmailNotifications: ptr(false)}, ptr(int64(5)), "", ""},
		{"English", me, MePatch{Language: ptr("en")}, nil, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st := &users{cur: User{Version: 5}}
			_, err := NewService(Config{Store: st}).UpdateMe(tt.ctx, tt.patch, tt.ifVersion)
			switch {
			case tt.field != "":
				wantFields(t, err, tt.field)
			case tt.want != "":
				if !errs.Is(err, tt.want) {
					t.Fatalf("got %v, want %s", err, tt.want)
				}
			case err != nil || st.updated == nil || st.updated.Role != nil || st.updated.Active != nil:
				t.Fatalf("got %v, stored %+v: want only name, language and notifications", err, st.updated)
			case tt.patch.Name != nil && *st.updated.Name != "Ann":
				t.Errorf("got name %q, want it trimmed", *st.updated.Name)
			}
			if tt.want != "" && st.updated != nil {
				t.Error("a refused change was stored")
			}
		})
	}
}

func TestCreateUserChecksAndDefaults(t *testing.T) {
	st := &users{workspace: Workspace{DefaultCurrency: "SEK"}}
	s := NewService(Config{Store: st, Passwords: hasher{}})
	member := WithPrincipal(context.Background(), Principal{Role: RoleMember})
	if _, err := s.CreateUser(member, NewUser{}); !errs.Is(err, errs.Forbidden) {
		t.Errorf("member: got %v", err)
	}
	_, err := s.CreateUser(asAdmin(), NewUser{Role: "owner"})
	wantFields(t, err, "name", "email", "password", "role")
	u, err := s.CreateUser(asAdmin(), NewUser{Name: " Bo ", Email: "BO@example.com", Password: "0123456789"})
	if err != nil {
		t.Fatal(err)
	}
	if u.Role != RoleMember || u.Name != "Bo" || u.Email != "bo@example.com" || !u.Active || u.Language != "sv" ||
		!u.EmailNotifications || u.Version != 1 || st.created == nil || st.created.ID != u.ID {
		t.Errorf("got %+v", u)
	}
}

func TestWorkspaceSettingsAreChecked(t *testing.T) {
	format := func(field, f string) error {
		if f == "bad" {
			return errs.Field(field, "unknown token")
		}
		return nil
	}
	tests := []struct {
		name  string
		patch WorkspacePatch
		want  []string
	}{
		{"nothing", WorkspacePatch{}, nil},
		{"all valid at the limits", WorkspacePatch{Name: ptr(" Acme "), DefaultCurrency: ptr(" sek "), FollowUpDays: ptr(365),
			TimeZone: ptr("Europe/Stockholm"), PaymentTermsDays: ptr(0), InvoiceNumberFormat: ptr("{YYYY}-{N}")}, nil},
		{"zero days", WorkspacePatch{FollowUpDays: ptr(0), PaymentTermsDays: ptr(365)}, nil},
		{"all invalid", WorkspacePatch{Name: ptr(""), DefaultCurrency: ptr("euro"), FollowUpDays: ptr(366), TimeZone: ptr("Mars/Base"),
			PaymentTermsDays: ptr(-1), InvoiceNumberFormat: ptr("bad")},
			[]string{"name", "default_currency", "follow_up_days", "time_zone", "payment_terms_days", "invoice_number_format"}},
		{"negative follow-up", WorkspacePatch{FollowUpDays: ptr(-1)}, []string{"follow_up_days"}},
		{"payment terms over a year", WorkspacePatch{PaymentTermsDays: ptr(366)}, []string{"payment_terms_days"}},
		{"empty zone", WorkspacePatch{TimeZone: ptr("")}, []string{"time_zone"}},
		{"the server's zone", WorkspacePatch{TimeZone: ptr("Local")}, []string{"time_zone"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st := &users{}
			_, err := NewService(Config{Store: st, CheckInvoiceNumberFormat: format}).UpdateWorkspace(asAdmin(), tt.patch, nil)
			wantFields(t, err, tt.want...)
			if tt.want != nil {
				if st.wsPatch != nil {
					t.Error("invalid settings were stored")
				}
				return
			}
			if st.wsPatch == nil {
				t.Fatal("nothing stored")
			}
			if tt.patch.Name != nil && (*st.wsPatch.Name != "Acme" || *st.wsPatch.DefaultCurrency != "SEK") {
				t.Errorf("got name %q, currency %q: want them trimmed and upper-cased", *st.wsPatch.Name, *st.wsPatch.DefaultCurrency)
			}
		})
	}
	member := WithPrincipal(context.Background(), Principal{Role: RoleMember})
	if _, err := NewService(Config{}).UpdateWorkspace(member, WorkspacePatch{}, nil); !errs.Is(err, errs.Forbidden) {
		t.Errorf("member: got %v", err)
	}
}

// keys records the API key and password changes handed to storage.
type keys struct {
	users
	key      *APIKey
	hash     string
	password string
}

func (k *keys) CreateAPIKey(_ context.Context, key APIKey, hash []byte) error {
	k.key = &key
	return nil
}
func (k *keys) PasswordHash(context.Context, uuid.UUID) (string, error) { return k.hash, nil }
func (k *keys) SetPassword(_ context.Context, _ uuid.UUID, h string) error {
	k.password = h
	return nil
}

func TestAPIKeyIsShownOnceAndDefaultsToMember(t *testing.T) {
	st := &keys{}
	s := NewService(Config{Store: st})
	member := WithPrincipal(context.Background(), Principal{Role: RoleMember})
	if _, _, err := s.CreateAPIKey(member, NewAPIKey{Name: "CI"}); !errs.Is(err, errs.Forbidden) {
		t.Errorf("member: got %v", err)
	}
	_, _, err := s.CreateAPIKey(asAdmin(), NewAPIKey{Name: " "})
	wantFields(t, err, "name")
	_, _, err = s.CreateAPIKey(asAdmin(), NewAPIKey{Name: "CI", Role: "owner"})
	wantFields(t, err, "role")
	k, secret, err := s.CreateAPIKey(asAdmin(), NewAPIKey{Name: " CI "})
	if err != nil {
		t.Fatal(err)
	}
	if k.Name != "CI" || k.Role != RoleMember || !strings.HasPrefix(secret, k.Prefix+"_") || len(k.Prefix) != len(apiKeyScheme)+8 ||
		st.key == nil || st.key.ID != k.ID {
		t.Errorf("got key %+v, secret %q", k, secret)
	}
}

func TestChangePasswordNeedsTheCurrentOne(t *testing.T) {
	me := WithPrincipal(context.Background(), Principal{UserID: uuid.New(), Role: RoleMember})
	key := WithPrincipal(context.Background(), Principal{UserID: uuid.New(), APIKey: true})
	tests := []struct {
		name          string
		ctx           context.Context
		current, next string
		want          errs.Code
		field         string
	}{
		{"nobody", context.Background(), "old password", "new password!", errs.Unauthorized, ""},
		{"an API key", key, "old password", "new password!", errs.Forbidden, ""},
		{"a short new one", me, "old password", "short", errs.Invalid, "new_password"},
		{"a wrong current one", me, "guess", "new password!", errs.Invalid, "current_password"},
		{"changed", me, "old password", "new password!", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st := &keys{hash: "hash:old password"}
			err := NewService(Config{Store: st, Passwords: hasher{}}).ChangePassword(tt.ctx, tt.current, tt.next)
			switch {
			case tt.field != "":
				wantFields(t, err, tt.field)
			case tt.want != "":
				if !errs.Is(err, tt.want) {
					t.Fatalf("got %v, want %s", err, tt.want)
				}
			case err != nil || st.password != "hash:new password!" || !st.revoked:
				t.Fatalf("got %v, stored %q, revoked %v: want the new hash stored and sessions revoked", err, st.password, st.revoked)
			}
			if tt.want != "" && (st.password != "" || st.revoked) {
				t.Error("a refused change was stored")
			}
		})
	}
}
