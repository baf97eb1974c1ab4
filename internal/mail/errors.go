package mail

import (
	"context"
	"errors"
	"fmt"

	gomail "github.com/wneessen/go-mail"

	"github.com/acme/crm/internal/errs"
)

// ErrPermanent is in the chain of every send failure that retrying cannot
// fix: the server answered the mail transaction (MAIL FROM, RCPT TO, DATA)
// with a 5xx reply.
var ErrPermanent = errors.New("mail permanently rejected")

// IsPermanent reports whether err is a send failure that must not be
// retried: an invalid message (errs.Invalid) or a 5xx reply. All other
// failures are temporary: connection and time-out errors, 4xx replies, a
// cancelled context, and TLS or login failures, which are configuration an
// operator can fix while the message waits in the queue.
func IsPermanent(err error) bool {
	return errors.Is(err, ErrPermanent) || errs.Is(err, errs.Invalid)
}

// classify turns an error from go-mail into a permanent error (wrapping
// ErrPermanent) or a temporary one (errs.Unavailable, so that an HTTP
// caller answers 503). A cancelled ctx always counts as temporary, and its
// error stays in the chain for errors.Is.
func classify(ctx context.Context, stage string, err error) error {
	if ctxErr := ctx.Err(); ctxErr != nil {
		err = fmt.Errorf("%s: %w: %w", stage, ctxErr, err)
		return errs.Wrap(err, errs.Unavailable, "sending e-mail was cancelled")
	}
	if code := replyCode(err); code >= 500 && code < 600 {
		return fmt.Errorf("%s: %w: %w", stage, ErrPermanent, err)
	}
	return errs.Wrap(fmt.Errorf("%s: %w", stage, err), errs.Unavailable, "the mail server is unavailable")
}

// replyCode returns the SMTP reply code of a failed mail transaction, or 0.
// Only go-mail's SendError carries transaction replies; a 5xx outside the
// transaction (a refused login, say) is deliberately not looked at, see
// IsPermanent.
func replyCode(err error) int {
	var se *gomail.SendError
	if errors.As(err, &se) {
		return se.ErrorCode()
	}
	return 0
}
