package quoting

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"image/png"
	"net/mail"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"

	"github.com/acme/crm/internal/errs"
)

// ResponseKind is how the customer answered a quote version.
type ResponseKind string

// The customer's answers.
const (
	ResponseSigned          ResponseKind = "signed"
	ResponseChangeRequested ResponseKind = "change_requested"
	ResponseRejected        ResponseKind = "rejected"
)

// Response is the customer's answer to a version, as the salesperson reads
// it on the quote. It is stored with the version (JSON tags, like
// Snapshot).
type Response struct {
	Kind  ResponseKind `json:"kind"`
	Name  string       `json:"name"`
	Email string       `json:"email"`
	Title string       `json:"title,omitempty"`
	// Comment is the change request's text; Reason the rejection's.
	Comment      string        `json:"comment,omitempty"`
	LineComments []LineComment `json:"line_comments,omitempty"`
	Reason       string        `json:"reason,omitempty"`
	At           time.Time     `json:"at"`
	// Channel is how the quote reached the customer ("direct" when signed
	// in the salesperson's presence).
	Channel string `json:"channel"`
	// EvidenceID is the evidence log's record of the answer.
	EvidenceID uuid.UUID `json:"evidence_id"`
	// AttachmentID is the signed PDF filed on the opportunity (signed only).
	AttachmentID *uuid.UUID `json:"attachment_id,omitempty"`
	// OpportunityMoved says whether signing moved the opportunity to its
	// pipeline's quote-signed phase (false when the pipeline names none or
	// the opportunity was closed or further along).
	OpportunityMoved bool `json:"opportunity_moved,omitempty"`
}

// LineComment is the customer's comment on one line of a change request.
type LineComment struct {
	LineID  uuid.UUID `json:"line_id"`
	Comment string    `json:"comment"`
	// Line is the line's name as the quote showed it (set when recorded).
	Line string `json:"line,omitempty"`
}

// Client is who is on the other end of a customer's request: the address
// (from the server's trusted client-IP rule) and user agent recorded as
// evidence.
type Client struct {
	IP        string
	UserAgent string
}

// SignInput is the customer's signature.
type SignInput struct {
	Name, Email, Title string
	Consent            bool
	// DocumentSHA256 is the hash of the document the customer read; it
	// must be the version's.
	DocumentSHA256 string
	// SignaturePNG is an optional drawn signature (PNG bytes).
	SignaturePNG []byte
}

// ChangeRequestInput asks the salesperson for a change.
type ChangeRequestInput struct {
	Name, Email, Comment string
	LineComments         []LineComment
}

// RejectInput declines the quote.
type RejectInput struct {
	Name, Email, Reason string
}

// Input limits of the customer's forms, in characters (bytes for the
// signature image).
const (
	MaxSignerName       = 200
	MaxComment          = 5000
	MaxLineComment      = 2000
	MaxSignatureBytes   = 200 << 10
	signatureDataPrefix = "data:image/png;base64,"
)

// ConsentVersion names the consent text a signer agrees to; it changes
// whenever the text does, and evidence records it with the text.
const ConsentVersion = "2026-12-01"

// ConsentText is what the signer agrees to, in lang's language.
func ConsentText(lang string) string {
	if Language(lang) == LangSwedish {
		return "Jag har läst offerten och accepterar den. Jag är behörig att ingå avtalet för kundens räkning " +
			"och godkänner att min elektroniska underskrift är bindande."
	}
	return "I have read this quote and accept it. I am authorised to enter into this agreement on the " +
		"customer's behalf and agree that my electronic signature is binding."
}

// DecodeSignature reads a drawn signature sent as a data URL
// ("data:image/png;base64,…"): at most MaxSignatureBytes of a real PNG,
// else errs.Invalid on signature_png. An empty string is no signature.
func DecodeSignature(dataURL string) ([]byte, error) {
	if dataURL == "" {
		return nil, nil
	}
	fail := func(msg string) ([]byte, error) { return nil, errs.Field("signature_png", msg) }
	if !strings.HasPrefix(dataURL, signatureDataPrefix) {
		return fail("must be a data URL of a PNG image (data:image/png;base64,…)")
	}
	enc := dataURL[len(signatureDataPrefix):]
	if base64.StdEncoding.DecodedLen(len(enc)) > MaxSignatureBytes+3 {
		return fail(fmt.Sprintf("must be at most %d KB", MaxSignatureBytes>>10))
	}
	b, err := base64.StdEncoding.DecodeString(enc)
	if err != nil {
		return fail("is not valid base64")
	}
	if len(b) > MaxSignatureBytes {
		return fail(fmt.Sprintf("must be at most %d KB", MaxSignatureBytes>>10))
	}
	if _, err := png.Decode(bytes.NewReader(b)); err != nil {
		return fail("is not a PNG image")
	}
	return b, nil
}

// checkPerson validates the name and e-mail every customer answer carries.
func checkPerson(name, email string) []errs.FieldError {
	var fe []errs.FieldError
	if n := utf8.RuneCountInString(strings.TrimSpace(name)); n == 0 || n > MaxSignerName {
		fe = append(fe, errs.FieldError{Field: "name", Message: fmt.Sprintf("must be between 1 and %d characters", MaxSignerName)})
	}
	if a, err := mail.ParseAddress(strings.TrimSpace(email)); err != nil || a.Name != "" || len(email) > 254 {
		fe = append(fe, errs.FieldError{Field: "email", Message: "must be an e-mail address"})
	}
	return fe
}

// Check validates a signature before any database work.
func (in SignInput) Check() error {
	fe := checkPerson(in.Name, in.Email)
	if utf8.RuneCountInString(in.Title) > MaxSignerName {
		fe = append(fe, errs.FieldError{Field: "title", Message: fmt.Sprintf("must be at most %d characters", MaxSignerName)})
	}
	if !in.Consent {
		fe = append(fe, errs.FieldError{Field: "consent", Message: "must be true: the signer agrees to the consent text"})
	}
	if len(in.DocumentSHA256) != 64 {
		fe = append(fe, errs.FieldError{Field: "document_sha256", Message: "must be the document's SHA-256 in hex"})
	}
	return errs.Fields("invalid signature", fe...)
}

// Check validates a change request against the version's lines.
func (in ChangeRequestInput) Check(lines []SnapshotLine) error {
	fe := checkPerson(in.Name, in.Email)
	if n := utf8.RuneCountInString(strings.TrimSpace(in.Comment)); n == 0 || n > MaxComment {
		fe = append(fe, errs.FieldError{Field: "comment", Message: fmt.Sprintf("must be between 1 and %d characters", MaxComment)})
	}
	ids := map[uuid.UUID]bool{}
	for _, l := range lines {
		ids[l.ID] = true
	}
	if len(in.LineComments) > len(lines) {
		fe = append(fe, errs.FieldError{Field: "line_comments", Message: "has more comments than the quote has lines"})
	}
	for i, lc := range in.LineComments {
		if !ids[lc.LineID] || lc.LineID == uuid.Nil {
			fe = append(fe, errs.FieldError{Field: fmt.Sprintf("line_comments[%d].line_id", i), Message: "is not a line of this quote"})
		}
		if n := utf8.RuneCountInString(strings.TrimSpace(lc.Comment)); n == 0 || n > MaxLineComment {
			fe = append(fe, errs.FieldError{Field: fmt.Sprintf("line_comments[%d].comment", i),
				Message: fmt.Sprintf("must be between 1 and %d characters", MaxLineComment)})
		}
	}
	return errs.Fields("invalid change request", fe...)
}

// Check validates a rejection.
func (in RejectInput) Check() error {
	fe := checkPerson(in.Name, in.Email)
	if utf8.RuneCountInString(in.Reason) > MaxComment {
		fe = append(fe, errs.FieldError{Field: "reason", Message: fmt.Sprintf("must be at most %d characters", MaxComment)})
	}
	return errs.Fields("invalid rejection", fe...)
}
