package relations

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/acme/crm/internal/errs"
	"github.com/acme/crm/internal/page"
)

func strp(s string) *string { return &s }

func TestPersonNameJoinsWhatItHas(t *testing.T) {
	tests := []struct{ first, last, want string }{
		{"Ann", "Andersson", "Ann Andersson"},
		{"Ann", "", "Ann"},
		{"", "Andersson", "Andersson"},
		{"", "", ""},
	}
	for _, tt := range tests {
		if got := (Person{FirstName: tt.first, LastName: tt.last}).Name(); got != tt.want {
			t.Errorf("%q %q: got %q, want %q", tt.first, tt.last, got, tt.want)
		}
	}
}

func TestPersonKeepsAFirstOrALastName(t *testing.T) {
	ann := Person{FirstName: "Ann", LastName: "Andersson"}
	onlyFirst := Person{FirstName: "Ann"}
	tests := []struct {
		name    string
		cur     Person
		p       PersonPatch
		removes bool
		refused bool
	}{
		{"no names in the patch", ann, PersonPatch{Email: strp("a@x.se")}, false, false},
		{"new names", ann, PersonPatch{FirstName: strp("Bo"), LastName: strp("Berg")}, false, false},
		{"clears the first name", ann, PersonPatch{FirstName: strp("")}, true, false},
		{"clears the last name", ann, PersonPatch{LastName: strp("")}, true, false},
		{"clears both", ann, PersonPatch{FirstName: strp(""), LastName: strp("")}, true, true},
		{"clears the only name", onlyFirst, PersonPatch{FirstName: strp("")}, true, true},
		{"swaps the only name", onlyFirst, PersonPatch{FirstName: strp(""), LastName: strp("Berg")}, true, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.p.removesName(); got != tt.removes {
				t.Errorf("removesName: got %v, want %v", got, tt.removes)
			}
			err := tt.p.checkName(tt.cur)
			if got := fieldsOf(t, err); tt.refused && got != "first_name,last_name" || !tt.refused && got != "" {
				t.Errorf("checkName: got fields %q, refused want %v", got, tt.refused)
			}
		})
	}
}

func TestIfMatchMustBeTheStoredVersion(t *testing.T) {
	if err := checkVersion("person", 3, nil); err != nil {
		t.Errorf("no version: got %v", err)
	}
	if err := checkVersion("person", 3, ptrTo(int64(3))); err != nil {
		t.Errorf("same version: got %v", err)
	}
	err := checkVersion("person", 3, ptrTo(int64(2)))
	if !errs.Is(err, errs.PreconditionFailed) || !strings.Contains(err.Error(), "version 3, you sent 2") {
		t.Errorf("older version: got %v", err)
	}
}

func ptrTo[T any](v T) *T { return &v }

func TestSearchQueryIsBoundedText(t *testing.T) {
	tests := []struct {
		in, want string
		bad      bool
	}{
		{"  acme ", "acme", false},
		{strings.Repeat("å", maxQuery), strings.Repeat("å", maxQuery), false},
		{strings.Repeat("a", maxQuery+1), "", true},
		{"ac\xffme", "", true},
	}
	for _, tt := range tests {
		got, err := query(tt.in)
		if tt.bad {
			if fields := fieldsOf(t, err); fields != "q" {
				t.Errorf("%q: got fields %q, want q", tt.in, fields)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("%q: got %q, %v, want %q", tt.in, got, err, tt.want)
		}
	}
}

func TestNotFoundNamesWhatIsMissing(t *testing.T) {
	err := notFound(errs.NotFoundf("no rows"), "person")
	if !errs.Is(err, errs.NotFound) || !strings.Contains(err.Error(), "no such person") {
		t.Errorf("got %v", err)
	}
	other := errors.New("db down")
	if got := notFound(other, "person"); got != other {
		t.Errorf("got %v, want the error unchanged", got)
	}
	if notFound(nil, "person") != nil {
		t.Error("nil: got an error")
	}
}

func TestBadInputIsRefusedBeforeStorage(t *testing.T) {
	s := NewService(nil, nil) // a nil store panics if it is touched
	ctx := context.Background()
	_, err := s.CreateOrganization(ctx, NewOrganization{})
	if got := fieldsOf(t, err); got != "name" {
		t.Errorf("CreateOrganization: got fields %q", got)
	}
	_, err = s.UpdateOrganization(ctx, uuid.New(), OrganizationPatch{Name: strp(" ")}, nil)
	if got := fieldsOf(t, err); got != "name" {
		t.Errorf("UpdateOrganization: got fields %q", got)
	}
	_, err = s.ListOrganizations(ctx, OrganizationFilter{Q: strings.Repeat("q", maxQuery+1)}, page.Request{})
	if got := fieldsOf(t, err); got != "q" {
		t.Errorf("ListOrganizations: got fields %q", got)
	}
	_, err = s.CreatePerson(ctx, NewPerson{})
	if err == nil {
		t.Error("CreatePerson without a name: got no error")
	}
	_, err = s.UpdatePerson(ctx, uuid.New(), PersonPatch{Email: strp("nope")}, nil)
	if got := fieldsOf(t, err); got != "email" {
		t.Errorf("UpdatePerson: got fields %q", got)
	}
	_, err = s.ListPersons(ctx, PersonFilter{Q: "a\xff"}, page.Request{})
	if got := fieldsOf(t, err); got != "q" {
		t.Errorf("ListPersons: got fields %q", got)
	}
}

// people answers one stored person and records the patch UpdatePerson
// hands to storage; the other Store methods are not used here.
type people struct {
	Store
	cur     Person
	lockErr error
	patched *PersonPatch
	deleted bool
}

func (p *people) WithTx(ctx context.Context, fn func(ctx context.Context) error) error {
	return fn(ctx)
}
func (p *people) LockPerson(context.Context, uuid.UUID) (Person, error) { return p.cur, p.lockErr }
func (p *people) UpdatePerson(_ context.Context, _ uuid.UUID, pp PersonPatch, _ time.Time) (Person, error) {
	p.patched = &pp
	return p.cur, nil
}
func (p *people) DeletePerson(context.Context, uuid.UUID) error { p.deleted = true; return nil }

func TestUpdatePersonChecksVersionAndName(t *testing.T) {
	cur := Person{FirstName: "Ann", Version: 4}
	tests := []struct {
		name      string
		lockErr   error
		patch     PersonPatch
		ifVersion *int64
		want      errs.Code
	}{
		{"a new e-mail", nil, PersonPatch{Email: strp("ann@example.com")}, ptrTo(int64(4)), ""},
		{"a stale version", nil, PersonPatch{Email: strp("ann@example.com")}, ptrTo(int64(3)), errs.PreconditionFailed},
		{"the last name removed", nil, PersonPatch{FirstName: strp("")}, nil, errs.Invalid},
		{"no such person", errs.NotFoundf("no rows"), PersonPatch{}, nil, errs.NotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st := &people{cur: cur, lockErr: tt.lockErr}
			_, err := NewService(st, nil).UpdatePerson(context.Background(), uuid.New(), tt.patch, tt.ifVersion)
			if tt.want == "" {
				if err != nil || st.patched == nil || *st.patched.Email != "ann@example.com" {
					t.Fatalf("got %v, patch %+v", err, st.patched)
				}
				return
			}
			if !errs.Is(err, tt.want) || st.patched != nil {
				t.Errorf("got %v (stored %v), want %s and nothing stored", err, st.patched != nil, tt.want)
			}
		})
	}
	st := &people{cur: cur}
	if err := NewService(st, nil).DeletePerson(context.Background(), uuid.New(), ptrTo(int64(3))); !errs.Is(err, errs.PreconditionFailed) || st.deleted {
		t.Errorf("delete with a stale version: got %v, deleted %v", err, st.deleted)
	}
}
