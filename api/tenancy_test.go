package api_test

import (
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/acme/crm/internal/testenv"
)

// A probe says how to test one route for tenant isolation: setup creates
// data in workspace A; then workspace B's admin calls the route with A's
// ids and must get exactly what a missing id gets (item routes), or a list
// without A's rows (list routes); afterwards check may verify that A's data
// is unchanged. Every file that registers routes adds its probes in init;
// TestTenantIsolation fails for any registered route without one.
type probe struct {
	kind  probeKind
	setup func(t *testing.T, env *testenv.Env, a testenv.Account) fixture
	body  any
	check func(t *testing.T, env *testenv.Env, a testenv.Account, fx fixture)
	// do, when set, makes B's call instead of a plain request (for
	// routes that do not answer at once, such as streams).
	do func(t *testing.T, env *testenv.Env, a, b testenv.Account, fx fixture) *testenv.Response
}

type probeKind int

const (
	// item routes name a resource of A in their path: B must get a 404
	// identical to the one for an id that does not exist.
	item probeKind = iota
	// list routes return collections: B's answer must not contain A's ids.
	list
	// own routes act only on the caller's own workspace or account (create,
	// me): B's call must succeed or fail on its own terms and leak nothing.
	own
	// public routes take a quote link's token instead of a login: A's
	// token shows A's quote to whoever holds it (B included) without any
	// internal id, and every token that is not a link — made up, malformed,
	// of a draft — gets one and the same answer.
	public
)

// fixture holds the path parameters pointing at A's data and the ids that
// must never appear in B's answers.
type fixture struct {
	params map[string]string
	ids    []string
}

var probes = map[string]probe{}

func addProbes(m map[string]probe) {
	for k, v := range m {
		if _, dup := probes[k]; dup {
			panic("two tenancy probes for " + k)
		}
		probes[k] = v
	}
}

var pathParam = regexp.MustCompile(`:([a-z_]+)`)

func TestTenantIsolation(t *testing.T) {
	t.Parallel()
	env := testenv.New(t)
	a, b := env.Signup(), env.Signup()
	for _, r := range env.App.Handler.Routes() {
		key := r.Method + " " + r.Path
		if !strings.HasPrefix(r.Path, "/api/v1/") || strings.HasPrefix(r.Path, "/api/v1/auth/") {
			continue
		}
		p, ok := probes[key]
		if !ok {
			t.Errorf("route %s has no tenancy probe: add one in its resource's test file", key)
			continue
		}
		t.Run(key, func(t *testing.T) {
			fx := fixture{}
			if p.setup != nil {
				fx = p.setup(t, env, a)
			}
			path, missing := fill(t, r.Path, fx.params)
			var res *testenv.Response
			if p.do != nil {
				res = p.do(t, env, a, b, fx)
			} else {
				res = env.Do(testenv.Request{Method: r.Method, Path: path, Token: b.Token, Body: p.body})
			}
			switch p.kind {
			case item:
				want := env.Do(testenv.Request{Method: r.Method, Path: missing, Token: b.Token, Body: p.body})
				if res.Status != http.StatusNotFound || want.Status != http.StatusNotFound ||
					detail(t, res) != detail(t, want) {
					t.Fatalf("B used A's id: got %s; a missing id gets %s; want the same 404", res, want)
				}
			case list, own:
				if res.Status >= 500 {
					t.Fatalf("got %s", res)
				}
			case public:
				if res.Status >= 500 {
					t.Fatalf("got %s", res)
				}
				want := env.Do(testenv.Request{Method: r.Method, Path: missing, Token: b.Token, Body: p.body})
				madeUp := strings.Replace(path, fx.params["token"], strings.Repeat("x", 43), 1)
				other := env.Do(testenv.Request{Method: r.Method, Path: madeUp, Body: p.body})
				if want.Status != other.Status || detail(t, want) != detail(t, other) || string(want.Body) == string(res.Body) {
					t.Fatalf("made-up tokens: got %s and %s; want the same answer, unlike A's link (%s)", want, other, res)
				}
			}
			body := strings.ReplaceAll(string(res.Body), `"instance":"`+path+`"`, "")
			for _, id := range fx.ids {
				if strings.Contains(body, id) {
					t.Errorf("B's answer contains A's id %s: %s", id, res)
				}
			}
			if p.check != nil {
				p.check(t, env, a, fx)
			}
		})
	}
}

// fill puts the fixture's values into the route's parameters, and returns
// the same path with every id replaced by one that does not exist.
func fill(t *testing.T, route string, params map[string]string) (string, string) {
	t.Helper()
	var missing []string
	path := pathParam.ReplaceAllStringFunc(route, func(m string) string {
		v, ok := params[m[1:]]
		if !ok {
			t.Fatalf("fixture lacks a value for %s in %s", m, route)
		}
		return v
	})
	missingPath := pathParam.ReplaceAllStringFunc(route, func(string) string {
		id := newID()
		missing = append(missing, id)
		return id
	})
	return path, missingPath
}

func detail(t *testing.T, r *testenv.Response) string {
	t.Helper()
	var p struct{ Title, Detail string }
	r.Decode(t, &p)
	return p.Title + ": " + p.Detail
}

func init() {
	addProbes(map[string]probe{
		"GET /api/v1/me":           {kind: own},
		"POST /api/v1/me/password": {kind: own, body: map[string]any{"current_password": "wrong password", "new_password": "another long password"}},
		"GET /api/v1/users":        {kind: list, setup: memberOfA},
		"POST /api/v1/users":       {kind: own, body: map[string]any{"email": "probe-new@example.com", "name": "New", "password": "long enough pw"}},
		"GET /api/v1/users/:id":    {kind: item, setup: memberOfA},
		"PATCH /api/v1/users/:id": {kind: item, setup: memberOfA, body: map[string]any{"name": "Hijacked", "role": "admin"},
			check: func(t *testing.T, env *testenv.Env, a testenv.Account, fx fixture) {
				u := env.OK(testenv.Request{Method: "GET", Path: "/api/v1/users/" + fx.params["id"], Token: a.Token}).Map(t)
				if u["name"] == "Hijacked" || u["role"] != "member" {
					t.Errorf("A's user changed: %v", u)
				}
			}},
		"GET /api/v1/api-keys":  {kind: list, setup: keyOfA},
		"POST /api/v1/api-keys": {kind: own, body: map[string]any{"name": "B's key"}},
		"DELETE /api/v1/api-keys/:id": {kind: item, setup: keyOfA,
			check: func(t *testing.T, env *testenv.Env, a testenv.Account, fx fixture) {
				if res := env.Do(testenv.Request{Method: "GET", Path: "/api/v1/me", Token: fx.ids[1]}); res.Status != 200 {
					t.Errorf("A's key stopped working: %s", res)
				}
			}},
	})
}

func memberOfA(t *testing.T, env *testenv.Env, a testenv.Account) fixture {
	m := env.Member(a)
	return fixture{params: map[string]string{"id": m.UserID}, ids: []string{m.UserID, m.Email}}
}

func keyOfA(t *testing.T, env *testenv.Env, a testenv.Account) fixture {
	res := env.Do(testenv.Request{Method: "POST", Path: "/api/v1/api-keys", Token: a.Token, Body: map[string]any{"name": "A's key"}})
	if res.Status != 201 {
		t.Fatalf("create key: %s", res)
	}
	k := res.Map(t)
	id, secret := k["id"].(string), k["key"].(string)
	return fixture{params: map[string]string{"id": id}, ids: []string{id, secret}}
}
