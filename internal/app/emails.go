package app

import (
	"context"
	"errors"
	"log/slog"
	"net/url"

	"github.com/google/uuid"

	"github.com/acme/crm/internal/activity"
	"github.com/acme/crm/internal/identity"
	"github.com/acme/crm/internal/jobs"
	"github.com/acme/crm/internal/mail"
	"github.com/acme/crm/internal/postgres"
)

// newEmails builds the e-mail service and the job queue that delivers its
// messages. Without cfg.SMTPURL e-mails are stored as not_configured and
// the log says so once.
func newEmails(cfg Config, db *postgres.DB, files *activity.Attachments, users *identity.Service, log *slog.Logger) (*activity.Emails, *jobs.Queue, error) {
	q, err := jobs.New(jobs.Config{Pool: db.Pool(), DB: db.SQL(), Log: log,
		RetryDelay: cfg.JobRetryDelay, PollInterval: cfg.JobPollInterval})
	if err != nil {
		return nil, nil, err
	}
	ecfg := activity.EmailsConfig{Store: postgres.NewActivity(db), Attachments: files, Users: users,
		FromEmail: fromAddress(cfg), Now: cfg.Now}
	if cfg.SMTPURL == "" {
		log.Warn("SMTP_URL is not set: e-mails stay in the outbox with status not_configured")
	} else {
		smtp, err := mail.NewSMTP(cfg.SMTPURL)
		if err != nil {
			return nil, nil, err
		}
		ecfg.Sender, ecfg.Outbox = smtp, outbox{db: db, q: q}
	}
	emails := activity.NewEmails(ecfg)
	q.SetEmails(emails)
	return emails, q, nil
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

// outbox enqueues send_email jobs in the transaction of the e-mail row.
type outbox struct {
	db *postgres.DB
	q  *jobs.Queue
}

func (o outbox) EnqueueEmail(ctx context.Context, workspaceID, emailID uuid.UUID) error {
	tx, ok := o.db.SQLTx(ctx)
	if !ok {
		return errors.New("enqueue e-mail: no transaction in the context")
	}
	return o.q.EnqueueEmail(ctx, tx, workspaceID, emailID)
}
