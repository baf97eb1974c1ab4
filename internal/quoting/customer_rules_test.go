package quoting

import (
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/acme/crm/internal/errs"
)

func TestLinkStateOfASentVersion(t *testing.T) {
	tests := []struct {
		status          Status
		current, lapsed bool
		want            LinkState
		gone            bool
	}{
		{StatusSent, true, false, LinkOpen, false},
		{StatusViewed, true, false, LinkOpen, false},
		{StatusSent, true, true, LinkExpired, true},
		{StatusViewed, true, true, LinkExpired, true},
		{StatusExpired, true, false, LinkExpired, true},
		{StatusSigned, true, true, LinkAnswered, false}, // a signed quote stays readable after its date
		{StatusRejected, true, false, LinkAnswered, false},
		{StatusChangeRequested, true, false, LinkAnswered, false},
		{StatusWithdrawn, true, false, LinkWithdrawn, true},
		{StatusSuperseded, true, false, LinkReplaced, true},
		{StatusSigned, false, false, LinkReplaced, true}, // a newer version exists
		{StatusSent, false, false, LinkReplaced, true},
	}
	for _, tt := range tests {
		got := linkState(Quote{Status: tt.status}, tt.current, tt.lapsed)
		if got != tt.want || got.Gone() != tt.gone {
			t.Errorf("%s current=%v lapsed=%v: got %s (gone %v), want %s (gone %v)",
				tt.status, tt.current, tt.lapsed, got, got.Gone(), tt.want, tt.gone)
		}
	}
}

func TestViewIsRecordedFirstThenOncePerDay(t *testing.T) {
	now := time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)
	s := NewService(nil, Deps{Now: func() time.Time { return now }})
	at := func(d time.Duration) *time.Time { v := now.Add(-d); return &v }
	tests := []struct {
		name string
		q    Quote
		want bool
	}{
		{"first view", Quote{Status: StatusSent, LastViewedAt: at(time.Minute)}, true},
		{"never viewed", Quote{Status: StatusViewed}, true},
		{"viewed a minute ago", Quote{Status: StatusViewed, LastViewedAt: at(time.Minute)}, false},
		{"viewed almost a day ago", Quote{Status: StatusViewed, LastViewedAt: at(24*time.Hour - time.Second)}, false},
		{"viewed a day ago", Quote{Status: StatusViewed, LastViewedAt: at(24 * time.Hour)}, true},
		{"viewed two days ago", Quote{Status: StatusViewed, LastViewedAt: at(48 * time.Hour)}, true},
	}
	for _, tt := range tests {
		if got := s.viewDue(tt.q); got != tt.want {
			t.Errorf("%s: got %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestDocumentHashIsSHA256Hex(t *testing.T) {
	if got := sha256Hex(nil); got != "" {
		t.Errorf("no document: got %q, want empty", got)
	}
	if got, want := sha256Hex([]byte("abc")), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"; got != want {
		t.Errorf("got %s, want %s", got, want)
	}
}

func TestOnlyDraftsAreEditable(t *testing.T) {
	for _, st := range Statuses() {
		if got := st.Editable(); got != (st == StatusDraft) {
			t.Errorf("%s: got editable %v", st, got)
		}
	}
}

func TestCustomerMayActOnACurrentOpenVersionOnly(t *testing.T) {
	until := time.Date(2026, 6, 30, 0, 0, 0, 0, time.UTC)
	inTime, late := until.Add(23*time.Hour), until.Add(24*time.Hour)
	tests := []struct {
		name    string
		st      Status
		now     time.Time
		current bool
		want    errs.Code
	}{
		{"sent, in time", StatusSent, inTime, true, ""},
		{"viewed, in time", StatusViewed, inTime, true, ""},
		{"sent, lapsed", StatusSent, late, true, errs.Gone},
		{"expired", StatusExpired, inTime, true, errs.Gone},
		{"withdrawn", StatusWithdrawn, inTime, true, errs.Gone},
		{"superseded", StatusSuperseded, inTime, true, errs.Gone},
		{"not current", StatusSent, inTime, false, errs.Gone},
		{"signed", StatusSigned, inTime, true, errs.Conflict},
		{"draft", StatusDraft, inTime, true, errs.Conflict},
		{"unknown", Status("lost"), inTime, true, errs.Invalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := CanCustomerAct(tt.st, until, tt.now, tt.current)
			if tt.want == "" {
				if err != nil {
					t.Fatalf("got %v, want none", err)
				}
				return
			}
			wantCode(t, err, tt.want)
		})
	}
}

func TestQuoteLinesAreBounded(t *testing.T) {
	long := func(n int) string { return strings.Repeat("ä", n) }
	tests := []struct {
		name  string
		lines []LineInput
		want  []string
	}{
		{"none", nil, nil},
		{"at the limits", []LineInput{{Name: long(200), Unit: long(20), Description: long(5000)}}, nil},
		{"blank name", []LineInput{{Name: "ok"}, {Name: "  "}}, []string{"lines.1.name"}},
		{"over the limits", []LineInput{{Name: long(201), Unit: long(21), Description: long(5001)}},
			[]string{"lines.0.name", "lines.0.unit", "lines.0.description"}},
		{"1001 lines", make([]LineInput, 1001), []string{"lines"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { wantFields(t, checkLines(tt.lines), tt.want...) })
	}
	ok := make([]LineInput, 1000)
	for i := range ok {
		ok[i].Name = "x"
	}
	wantFields(t, checkLines(ok), nil...)
}

func TestSendChannelAndEmail(t *testing.T) {
	ten := make([]string, MaxRecipients)
	tests := []struct {
		name string
		in   SendInput
		want []string
	}{
		{"link", SendInput{Channel: ChannelLink}, nil},
		{"direct", SendInput{Channel: ChannelDirect}, nil},
		{"download", SendInput{Channel: ChannelDownload}, nil},
		{"fax", SendInput{Channel: "fax"}, []string{"channel"}},
		{"e-mail to ten", SendInput{Channel: ChannelEmail, Email: EmailInput{To: ten, Cc: ten, Subject: "Quote"}}, nil},
		{"e-mail to eleven", SendInput{Channel: ChannelEmail, Email: EmailInput{To: append(ten, "x"), Cc: append(ten, "y")}},
			[]string{"to", "cc"}},
		{"two-line subject", SendInput{Channel: ChannelEmail, Email: EmailInput{Subject: "a\rb"}}, []string{"subject"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { wantFields(t, checkChannel(tt.in), tt.want...) })
	}
}

func TestDocumentNameHasNumberAndVersion(t *testing.T) {
	q := Quote{Number: "2026-0042", QuoteVersion: 3}
	if got, want := DocumentName(q), "quote-2026-0042-v3.pdf"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	if got, want := documentName(q, "-signed"), "quote-2026-0042-v3-signed.pdf"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestValidUntilIsTodayOrLater(t *testing.T) {
	now := time.Date(2026, 6, 10, 22, 30, 0, 0, time.UTC)
	s := NewService(nil, Deps{Now: func() time.Time { return now }})
	day := func(d int) time.Time { return time.Date(2026, 6, d, 0, 0, 0, 0, time.UTC) }
	tests := []struct {
		name string
		want *time.Time
		days int
		got  time.Time
		bad  bool
	}{
		{"template's days", nil, 14, day(24), false},
		{"no days: 30", nil, 0, time.Date(2026, 7, 10, 0, 0, 0, 0, time.UTC), false},
		{"negative days: 30", nil, -1, time.Date(2026, 7, 10, 0, 0, 0, 0, time.UTC), false},
		{"today", ptr(day(10).Add(5 * time.Hour)), 14, day(10), false},
		{"tomorrow", ptr(day(11)), 14, day(11), false},
		{"yesterday", ptr(day(9)), 14, time.Time{}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := s.validUntil(tt.want, tt.days)
			if tt.bad {
				wantFields(t, err, "valid_until")
				return
			}
			if err != nil || !got.Equal(tt.got) {
				t.Errorf("got %s, %v, want %s", got, err, tt.got)
			}
		})
	}
}

func TestOnlyOpenOpportunitiesWithLinesAreQuoted(t *testing.T) {
	lines := []SnapshotLine{{ID: uuid.New()}}
	wantCode(t, quotable(Source{Open: false, Status: "won", Lines: lines}), errs.Invalid)
	wantFields(t, quotable(Source{Open: true}), "lines")
	wantFields(t, quotable(Source{Open: true, Lines: lines}), nil...)
}

func TestPublicURLOnlyOnceSent(t *testing.T) {
	l := testLinks(t, "https://crm.example", 1)
	token, hash, sealed, err := l.New()
	if err != nil {
		t.Fatal(err)
	}
	s := NewService(nil, Deps{Links: l})
	q := Quote{TokenHash: hash, TokenSealed: sealed}
	if got := s.withURL(q).PublicURL; got != "" {
		t.Errorf("draft: got %q, want no URL", got)
	}
	q.SentAt = ptr(time.Now())
	if got := s.withURL(q).PublicURL; got != l.PageURL(token) {
		t.Errorf("sent: got %q, want %q", got, l.PageURL(token))
	}
	text := "old"
	setText(&text, nil)
	setText(&text, ptr("new"))
	if text != "new" {
		t.Errorf("got %q, want new", text)
	}
}

func TestMalformedLinksAndAnswersAreRefusedBeforeReading(t *testing.T) {
	s := NewService(nil, Deps{}) // a nil store panics if it is read
	ctx := t.Context()
	for _, token := range []string{"", "short", strings.Repeat("A", 42) + "!"} {
		_, err := s.Resolve(ctx, token)
		wantCode(t, err, errs.NotFound)
		_, err = s.Open(ctx, token, Client{})
		wantCode(t, err, errs.NotFound)
		_, _, err = s.Document(ctx, token, Client{})
		wantCode(t, err, errs.NotFound)
	}
	_, err := s.Sign(ctx, strings.Repeat("A", 43), SignInput{Name: "Ann"}, Client{})
	wantFields(t, err, "email", "consent", "document_sha256")
	_, err = s.Reject(ctx, strings.Repeat("A", 43), RejectInput{Email: "ann@example.com"}, Client{})
	wantFields(t, err, "name")
}

func TestGoneErrorSaysWhy(t *testing.T) {
	until := time.Date(2026, 6, 30, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		state LinkState
		want  string // "" for no error
	}{
		{LinkOpen, ""},
		{LinkAnswered, ""},
		{LinkReplaced, "replaced by a newer version"},
		{LinkWithdrawn, "withdrawn"},
		{LinkExpired, "valid until 2026-06-30"},
	}
	for _, tt := range tests {
		err := GoneError(Visit{State: tt.state, Quote: Quote{ValidUntil: until}})
		if tt.want == "" {
			if err != nil {
				t.Errorf("%s: got %v, want none", tt.state, err)
			}
			continue
		}
		if !errs.Is(err, errs.Gone) || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: got %v, want gone saying %q", tt.state, err, tt.want)
		}
	}
}
