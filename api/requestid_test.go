package api_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/acme/crm/internal/testenv"
)

// TestRequestIDFromClient (finding 7): a client's X-Request-ID is echoed
// only when it is at most 128 visible ASCII characters; any other is
// replaced by a fresh id.
func TestRequestIDFromClient(t *testing.T) {
	env := testenv.New(t)
	for _, tc := range []struct {
		name, id string
		kept     bool
	}{
		{"short", "abc-123_X.y", true},
		{"128 characters", strings.Repeat("a", 128), true},
		{"129 characters", strings.Repeat("a", 129), false},
		{"a megabyte-ish", strings.Repeat("b", 60000), false},
		{"a space", "a b", false},
		{"not ASCII", "caf\xc3\xa9", false},
		{"control byte", "a\x7fb", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := env.Do(testenv.Request{Method: "GET", Path: "/healthz", Header: map[string]string{"X-Request-ID": tc.id}})
			got := res.Header.Get("X-Request-ID")
			if res.Status != http.StatusOK || got == "" {
				t.Fatalf("got %d with X-Request-ID %q", res.Status, got)
			}
			if (got == tc.id) != tc.kept {
				t.Fatalf("X-Request-ID %.40q → %.40q, want kept=%v", tc.id, got, tc.kept)
			}
			if !tc.kept && len(got) > 128 {
				t.Fatalf("replacement %q is too long", got)
			}
		})
	}
	// The id of a problem is the one in the header.
	res := env.Do(testenv.Request{Method: "GET", Path: "/api/v1/me", Header: map[string]string{"X-Request-ID": strings.Repeat("z", 200)}})
	if strings.Contains(string(res.Body), "zzzz") || !strings.Contains(string(res.Body), res.Header.Get("X-Request-ID")) {
		t.Fatalf("the problem's request_id is not the replaced id: %s", res)
	}
}
