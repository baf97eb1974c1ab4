package app

import (
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
