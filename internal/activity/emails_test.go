package activity_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"testing"

	"github.com/google/uuid"

	"github.com/acme/crm/internal/activity"
	"github.com/acme/crm/internal/errs"
	"github.com/acme/crm/internal/mail"
	"github.com/acme/crm/internal/page"
)

// memEmails is an EmailStore holding one workspace's e-mails in memory.
type memEmails struct{ rows map[uuid.UUID]activity.Email }

func (m *memEmails) WithTx(ctx context.Context, fn func(context.Context) error) error { return fn(ctx) }
func (m *memEmails) OpportunityExists(context.Context, uuid.UUID) error               { return nil }
func (m *memEmails) CreateEmail(_ context.Context, e activity.Email) error {
	m.rows[e.ID] = e
	return nil
}
func (m *memEmails) Email(_ context.Context, id uuid.UUID) (activity.Email, error) {
	e, ok := m.rows[id]
	if !ok {
		return e, errs.NotFoundf("e-mail not found")
	}
	return e, nil
}
func (m *memEmails) Emails(context.Context, uuid.UUID, page.Request) (page.Page[activity.Email], error) {
	return page.Page[activity.Email]{}, nil
}
func (m *memEmails) SaveEmailStatus(_ context.Context, e activity.Email) error {
	m.rows[e.ID] = e
	return nil
}

// scriptedSender answers Send with its errors in turn, then succeeds.
type scriptedSender struct {
	errs []error
	sent int
}

func (s *scriptedSender) Send(context.Context, mail.Message) (string, error) {
	if len(s.errs) > 0 {
		err := s.errs[0]
		s.errs = s.errs[1:]
		return "", err
	}
	s.sent++
	return fmt.Sprintf("<%d@crm.test>", s.sent), nil
}

type noFiles struct{}

func (noFiles) Attachment(context.Context, uuid.UUID) (activity.Attachment, error) {
	return activity.Attachment{}, errs.NotFoundf("no attachment")
}
func (noFiles) Open(context.Context, uuid.UUID) (activity.Attachment, io.ReadCloser, error) {
	return activity.Attachment{}, nil, errs.NotFoundf("no attachment")
}

// TestDeliver: each outcome of a delivery attempt, and that a job repeated
// after success sends nothing.
func TestDeliver(t *testing.T) {
	t.Parallel()
	temporary := errs.Wrap(errors.New("451 try later"), errs.Unavailable, "the mail server is unavailable")
	permanent := fmt.Errorf("550 no such user: %w", mail.ErrPermanent)
	tests := []struct {
		name      string
		sendErrs  []error
		last      bool
		wantErr   bool
		want      activity.EmailStatus
		wantSent  int
		wantError bool // the e-mail records a reason
	}{
		{"accepted", nil, false, false, activity.EmailSent, 1, false},
		{"temporary failure is retried", []error{temporary}, false, true, activity.EmailQueued, 0, true},
		{"temporary failure on the last attempt fails", []error{temporary}, true, false, activity.EmailFailed, 0, true},
		{"permanent failure fails at once", []error{permanent}, false, false, activity.EmailFailed, 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			store := &memEmails{rows: map[uuid.UUID]activity.Email{}}
			sender := &scriptedSender{errs: tt.sendErrs}
			svc := activity.NewEmails(activity.EmailsConfig{Store: store, Sender: sender, Outbox: nopOutbox{}, Attachments: noFiles{}})
			id := uuid.New()
			store.rows[id] = activity.Email{ID: id, From: mail.Address{Email: "crm@crm.test"}, To: []string{"a@b.test"},
				Subject: "Hi", Body: "Hello", Status: activity.EmailQueued}
			err := svc.Deliver(context.Background(), uuid.New(), id, tt.last)
			if (err != nil) != tt.wantErr {
				t.Fatalf("Deliver: got error %v, want error %v", err, tt.wantErr)
			}
			got := store.rows[id]
			if got.Status != tt.want || sender.sent != tt.wantSent || got.Attempts != 1 || (got.Error != "") != tt.wantError {
				t.Fatalf("got status %s, %d sent, %d attempts, error %q; want %s, %d sent, 1 attempt, error recorded %v",
					got.Status, sender.sent, got.Attempts, got.Error, tt.want, tt.wantSent, tt.wantError)
			}
			if err := svc.Deliver(context.Background(), uuid.New(), id, false); got.Status != activity.EmailQueued && err != nil {
				t.Fatalf("repeated job: got %v, want nil", err)
			}
			if tt.want == activity.EmailSent && (sender.sent != 1 || store.rows[id].MessageID != "<1@crm.test>") {
				t.Errorf("repeated job: got %d sent, message id %q; want 1 and <1@crm.test>", sender.sent, store.rows[id].MessageID)
			}
		})
	}
}

type nopOutbox struct{}

func (nopOutbox) EnqueueEmail(context.Context, uuid.UUID, uuid.UUID) error { return nil }
