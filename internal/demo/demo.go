// Package demo loads the demo workspace: a company to click through, with a
// documented log-in. Seeding is idempotent: an existing demo workspace is
// left as it is.
package demo

import (
	"context"
	"log/slog"

	"github.com/acme/crm/internal/app"
	"github.com/acme/crm/internal/errs"
	"github.com/acme/crm/internal/identity"
)

// The demo log-ins, documented in the README.
const (
	AdminEmail  = "demo@example.com"
	MemberEmail = "sales@example.com"
	Password    = "demo-password"
)

// Seed creates the demo workspace unless it exists.
func Seed(ctx context.Context, a *app.App, log *slog.Logger) error {
	sess, err := a.Identity.Signup(ctx, identity.SignupInput{WorkspaceName: "Demo AB", Name: "Dana Demo",
		Email: AdminEmail, Password: Password, Currency: "SEK"})
	if errs.Is(err, errs.Conflict) {
		log.Info("demo workspace already there", "login", AdminEmail)
		return nil
	}
	if err != nil {
		return err
	}
	ctx = identity.WithPrincipal(ctx, identity.Principal{WorkspaceID: sess.Workspace.ID, ID: sess.User.ID,
		UserID: sess.User.ID, Role: identity.RoleAdmin})
	if _, err := a.Identity.CreateUser(ctx, identity.NewUser{Email: MemberEmail, Name: "Sam Seller",
		Password: Password, Role: identity.RoleMember}); err != nil {
		return err
	}
	log.Info("demo workspace created", "login", AdminEmail, "password", Password)
	return nil
}
