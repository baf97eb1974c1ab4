package identity

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/acme/crm/internal/errs"
	"github.com/acme/crm/internal/tenant"
)

// SignupTTL is how long a signup's confirmation code is valid.
const SignupTTL = 24 * time.Hour

// AccountMail sends the e-mails about an account that exist before any
// workspace does (the signup code, the "someone tried to sign up with your
// address" notice). It is called after the signup's transaction commits.
type AccountMail interface {
	SendAccountMail(ctx context.Context, to, subject, text string) error
}

// SignupRequest is a signup waiting for its address to be confirmed.
type SignupRequest struct {
	ID            uuid.UUID
	Email         string
	CodeHash      []byte
	WorkspaceName string
	Name          string
	Currency      string
	PasswordHash  string
	ExpiresAt     time.Time
}

// SignupPending is the answer to every well-formed signup, whether or not
// the address already has an account.
type SignupPending struct {
	Email     string
	ConfirmBy time.Time
}

// RequestSignup starts a signup without telling whether the address is
// taken: the input is validated (Invalid, field by field), the attempt
// counts against the log-in limits of the caller's address and of the
// e-mail address (RateLimited), and then, the same answer either way:
//   - a new address gets a pending signup and an e-mail with a code that
//     ConfirmSignup exchanges for the workspace and a session;
//   - an address with an account gets an e-mail saying that someone tried
//     to sign up with it, and nothing is stored.
//
// Both paths hash the password and send one e-mail, so that their timing
// does not tell them apart either.
func (s *Service) RequestSignup(ctx context.Context, in SignupInput, ip string) (SignupPending, error) {
	email := strings.ToLower(strings.TrimSpace(in.Email))
	if err := s.throttle("ip:signup:"+ip, "acct:signup:"+email); err != nil {
		return SignupPending{}, err
	}
	ws, admin, hash, err := s.newSignup(in)
	if err != nil {
		return SignupPending{}, err
	}
	now := s.now()
	out := SignupPending{Email: admin.Email, ConfirmBy: now.Add(SignupTTL)}
	sys := tenant.System(ctx)
	_, _, err = s.store.UserByEmail(sys, admin.Email)
	switch {
	case err == nil:
		return out, s.sendMail(ctx, admin.Email, takenMail(admin.Language))
	case !errs.Is(err, errs.NotFound):
		return SignupPending{}, err
	}
	code := randomToken(32)
	req := SignupRequest{ID: newID(), Email: admin.Email, CodeHash: hashToken(code), WorkspaceName: ws.Name,
		Name: admin.Name, Currency: ws.DefaultCurrency, PasswordHash: hash, ExpiresAt: out.ConfirmBy}
	if err := s.store.CreateSignupRequest(sys, req, now); err != nil {
		return SignupPending{}, err
	}
	return out, s.sendMail(ctx, admin.Email, codeMail(admin.Language, admin.Name, code))
}

// ConfirmSignup exchanges a signup's code for its workspace, its first
// admin and a session. The code is spent whatever happens next; an unknown,
// spent or expired code is Invalid on code; an address that got an account
// since is Conflict (only the mailbox's owner holds the code). Attempts
// count against the caller's address's log-in limit.
func (s *Service) ConfirmSignup(ctx context.Context, code, ip string) (Session, error) {
	if err := s.throttle("ip:signup:" + ip); err != nil {
		return Session{}, err
	}
	var sess Session
	err := s.store.WithTx(ctx, func(ctx context.Context) error {
		sys := tenant.System(ctx)
		req, err := s.store.TakeSignupRequest(sys, hashToken(code))
		if errs.Is(err, errs.NotFound) || (err == nil && !s.now().Before(req.ExpiresAt)) {
			return errs.Field("code", "is unknown, used or expired; sign up again")
		}
		if err != nil {
			return err
		}
		now := s.now()
		ws := Workspace{ID: newID(), Name: req.WorkspaceName, DefaultCurrency: req.Currency, FollowUpDays: 2, Version: 1, CreatedAt: now}
		admin := User{ID: newID(), WorkspaceID: ws.ID, Email: req.Email, Name: req.Name, Role: RoleAdmin, Active: true,
			Language: languageOf(req.Currency), EmailNotifications: true, Version: 1, CreatedAt: now, UpdatedAt: now}
		sess, err = s.createWorkspace(ctx, ws, admin, req.PasswordHash)
		if err != nil {
			return err
		}
		return s.store.DeleteSignupRequests(sys, req.Email)
	})
	return sess, err
}

func (s *Service) sendMail(ctx context.Context, to string, m accountMail) error {
	if s.mail == nil {
		return nil
	}
	if err := s.mail.SendAccountMail(ctx, to, m.subject, m.text); err != nil {
		return errs.Wrap(err, errs.Unavailable, "the e-mail could not be sent; try again later")
	}
	return nil
}

type accountMail struct{ subject, text string }

func codeMail(lang, name, code string) accountMail {
	if lang == "sv" {
		return accountMail{"Bekräfta din registrering",
			fmt.Sprintf("Hej %s,\n\nDin bekräftelsekod är:\n\n%s\n\nDen gäller i 24 timmar. Har du inte registrerat dig kan du bortse från detta meddelande.\n", name, code)}
	}
	return accountMail{"Confirm your signup",
		fmt.Sprintf("Hello %s,\n\nYour confirmation code is:\n\n%s\n\nIt is valid for 24 hours. If you did not sign up, ignore this message.\n", name, code)}
}

func takenMail(lang string) accountMail {
	if lang == "sv" {
		return accountMail{"Någon försökte registrera sig med din adress",
			"Hej,\n\nNågon försökte just skapa ett nytt konto med den här e-postadressen, som redan har ett konto. Var det du kan du logga in som vanligt. Var det inte du behöver du inte göra något: inget har ändrats.\n"}
	}
	return accountMail{"Someone tried to sign up with your address",
		"Hello,\n\nSomeone just tried to create a new account with this e-mail address, which already has one. If it was you, log in as usual. If it was not, you need not do anything: nothing has changed.\n"}
}
