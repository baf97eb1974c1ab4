package api_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/acme/crm/internal/testenv"
)

func signupBody(email string) map[string]any {
	return map[string]any{"workspace_name": "Acme AB", "name": "Anna", "email": email, "password": "long enough pw", "currency": "EUR"}
}

// TestSignupDoesNotTellTakenAddresses (finding 7): a signup with an address
// that has an account answers exactly like one with a new address (202,
// same shape, no session); the owner gets a "someone tried" e-mail, the new
// address a code, and only the code makes an account.
func TestSignupDoesNotTellTakenAddresses(t *testing.T) {
	env := testenv.New(t)
	a := env.Signup()
	taken := env.Do(testenv.Request{Method: "POST", Path: "/api/v1/auth/signup", Body: signupBody(strings.ToUpper(a.Email))})
	fresh := env.Do(testenv.Request{Method: "POST", Path: "/api/v1/auth/signup", Body: signupBody("new@example.com")})
	if taken.Status != http.StatusAccepted || fresh.Status != http.StatusAccepted {
		t.Fatalf("taken: %s; new: %s; want 202 for both", taken, fresh)
	}
	tk, fk := taken.Map(t), fresh.Map(t)
	if len(tk) != len(fk) || tk["access_token"] != nil || fk["access_token"] != nil {
		t.Fatalf("the answers differ in shape or hand out a session: %v vs %v", tk, fk)
	}
	mails := env.Mail.To(a.Email)
	last := mails[len(mails)-1]
	if !strings.Contains(last.Subject, "tried to sign up") || testenv.SignupCode(last.Text) != "" {
		t.Errorf("the owner's e-mail: %q %q, want a notice without a code", last.Subject, last.Text)
	}
	// Nothing exists for the new address until the code comes back.
	if res := env.Do(testenv.Request{Method: "POST", Path: "/api/v1/auth/login", Body: map[string]any{"email": "new@example.com", "password": "long enough pw"}}); res.Status != http.StatusUnauthorized {
		t.Fatalf("log-in before confirming: got %s, want 401", res)
	}
	code := env.Mail.Code(t, "new@example.com")
	res := env.Do(testenv.Request{Method: "POST", Path: "/api/v1/auth/signup/confirm", Body: map[string]any{"code": code}})
	if res.Status != http.StatusCreated || res.Map(t)["access_token"] == nil {
		t.Fatalf("confirm: got %s, want 201 with a session", res)
	}
	// A code works once.
	again := env.Do(testenv.Request{Method: "POST", Path: "/api/v1/auth/signup/confirm", Body: map[string]any{"code": code}})
	if again.Status != http.StatusUnprocessableEntity || !strings.Contains(string(again.Body), `"code"`) {
		t.Fatalf("the code again: got %s, want 422 on code", again)
	}
	if res := env.Do(testenv.Request{Method: "POST", Path: "/api/v1/auth/signup/confirm", Body: map[string]any{"code": "made-up"}}); res.Status != http.StatusUnprocessableEntity {
		t.Fatalf("a made-up code: got %s, want 422", res)
	}
}

// TestSignupConfirmRace: two confirmations of one code make one account.
func TestSignupConfirmRace(t *testing.T) {
	env := testenv.New(t)
	env.Do(testenv.Request{Method: "POST", Path: "/api/v1/auth/signup", Body: signupBody("race@example.com")})
	code := env.Mail.Code(t, "race@example.com")
	statuses := make(chan int, 2)
	for range 2 {
		go func() {
			statuses <- env.Do(testenv.Request{Method: "POST", Path: "/api/v1/auth/signup/confirm", Body: map[string]any{"code": code}, NoCheck: true}).Status
		}()
	}
	got := map[int]int{<-statuses: 1}
	got[<-statuses]++
	if got[http.StatusCreated] != 1 {
		t.Fatalf("two confirmations of one code: got %v, want one 201", got)
	}
}

// TestSignupRateLimited (finding 7): signups count like log-ins, per client
// address (50 in 5 minutes) and per e-mail address (10), with Retry-After.
func TestSignupRateLimited(t *testing.T) {
	env := testenv.New(t)
	var last *testenv.Response
	for i := range 11 {
		last = env.Do(testenv.Request{Method: "POST", Path: "/api/v1/auth/signup", Body: signupBody("bomb@example.com")})
		if i < 10 && last.Status != http.StatusAccepted {
			t.Fatalf("signup %d: got %s, want 202", i+1, last)
		}
	}
	if last.Status != http.StatusTooManyRequests || last.Header.Get("Retry-After") == "" {
		t.Fatalf("11th signup for one address: got %s, want 429 with Retry-After", last)
	}
	if n := len(env.Mail.To("bomb@example.com")); n != 10 {
		t.Errorf("the address got %d e-mails, want 10", n)
	}
	for i := range 51 {
		last = env.Do(testenv.Request{Method: "POST", Path: "/api/v1/auth/signup", RemoteAddr: "203.0.113.9:4444",
			Body: signupBody("ip" + strings.Repeat("x", i) + "@example.com")})
	}
	if last.Status != http.StatusTooManyRequests || last.Header.Get("Retry-After") == "" {
		t.Fatalf("51st signup from one address: got %s, want 429 with Retry-After", last)
	}
}
