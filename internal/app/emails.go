package app

import (
	"context"
	"log/slog"
	"net/url"

	"github.com/acme/crm/internal/activity"
	"github.com/acme/crm/internal/identity"
	"github.com/acme/crm/internal/jobs"
	"github.com/acme/crm/internal/mail"
	"github.com/acme/crm/internal/postgres"
)

// newEmails builds the e-mail service on the queue that delivers its
// messages. Without cfg.SMTPURL e-mails are stored as not_configured and
// the log says so once.
func newEmails(cfg Config, db *postgres.DB, q *jobs.Queue, files *activity.Attachments, users *identity.Service, log *slog.Logger) (*activity.Emails, error) {
	ecfg := activity.EmailsConfig{Store: postgres.NewActivity(db), Attachments: files, Users: users,
		FromEmail: fromAddress(cfg), Now: cfg.Now}
	if cfg.SMTPURL == "" {
		log.Warn("SMTP_URL is not set: e-mails stay in the outbox with status not_configured")
	} else {
		smtp, err := mail.NewSMTP(cfg.SMTPURL)
		if err != nil {
			return nil, err
		}
		ecfg.Sender, ecfg.Outbox = smtp, txQueue{db: db, q: q}
	}
	return activity.NewEmails(ecfg), nil
}

// fromAddress is cfg.MailFrom, or crm@ the public URL's host: the address
// must be one the SMTP server may send for (SPF, DKIM), which only the
// operator knows, so the derived one is a default to override.
func fromAddress(cfg Config) string {
	if cfg.MailFrom != "" {
		return cfg.MailFrom
	}
	host := "localhost"
	if u, err := url.Parse(cfg.PublicURL); err == nil && u.Hostname() != "" {
		host = u.Hostname()
	}
	return "crm@" + host
}

// newAccountMail is how signup e-mails leave: cfg.AccountMail when set
// (tests), else SMTP, else the log. They are sent at once rather than
// through the outbox, which belongs to a workspace; a failed send is a 503
// and the person signs up again.
func newAccountMail(cfg Config, log *slog.Logger) (identity.AccountMail, error) {
	if cfg.AccountMail != nil {
		return cfg.AccountMail, nil
	}
	if cfg.SMTPURL == "" {
		return logMail{log}, nil
	}
	smtp, err := mail.NewSMTP(cfg.SMTPURL)
	if err != nil {
		return nil, err
	}
	return smtpMail{smtp: smtp, from: fromAddress(cfg)}, nil
}

type smtpMail struct {
	smtp *mail.SMTP
	from string
}

func (m smtpMail) SendAccountMail(ctx context.Context, to, subject, text string) error {
	_, err := m.smtp.Send(ctx, mail.Message{From: mail.Address{Email: m.from}, To: []mail.Address{{Email: to}},
		Subject: subject, Text: text})
	return err
}

// logMail writes account e-mails to the log when no SMTP server is
// configured, so that signup works on a developer's machine: the code is
// in the log line (account_mail, with to, subject and text).
type logMail struct{ log *slog.Logger }

func (m logMail) SendAccountMail(ctx context.Context, to, subject, text string) error {
	m.log.WarnContext(ctx, "account_mail", "to", to, "subject", subject, "text", text,
		"why", "SMTP_URL is not set: the e-mail is written here instead")
	return nil
}
