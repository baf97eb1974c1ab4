package app_test

import (
	"bufio"
	"encoding/json"
	"os"
	"os/exec"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"
)

const module = "github.com/acme/crm/"

// adapters are the packages under internal/ that are not domain: wiring,
// storage, rendering, delivery, test and tool support. Every other package
// under internal/ is domain and is checked, so a new domain package is
// covered without anyone remembering to list it.
var adapters = map[string]bool{
	"internal/app": true, "internal/postgres": true, "internal/pgembed": true, "internal/render": true,
	"internal/quotedoc": true, "internal/invoicedoc": true, "internal/mail": true, "internal/jobs": true, "internal/blob": true,
	"internal/ical": true, "internal/auth": true, "internal/ratelimit": true, "internal/rediscount": true, "internal/demo": true,
	"internal/testenv": true, "internal/mailtest": true, "internal/tools/specgen": true,
}

// forbidden are what the domain must not import: HTTP, storage, jobs,
// PDF and the adapters that wrap them.
var forbidden = []string{
	"github.com/labstack/echo", "gorm.io/", "github.com/jackc/pgx", "github.com/riverqueue/river",
	"github.com/johnfercher/maroto", module + "internal/render", module + "internal/jobs",
	module + "internal/postgres", module + "api",
}

// goList runs go list and fails the test when it fails: a check that
// cannot see the packages must not pass.
func goList(t *testing.T, args ...string) []byte {
	t.Helper()
	out, err := exec.Command("go", append([]string{"list"}, args...)...).Output()
	if err != nil {
		var stderr string
		if ee, ok := err.(*exec.ExitError); ok {
			stderr = string(ee.Stderr)
		}
		t.Fatalf("go list %v: %v\n%s", args, err, stderr)
	}
	return out
}

// domainPackages lists the packages under internal/ that are not adapters.
func domainPackages(t *testing.T) []string {
	t.Helper()
	var out []string
	for _, p := range strings.Fields(string(goList(t, module+"internal/..."))) {
		if rel := strings.TrimPrefix(p, module); !adapters[rel] {
			out = append(out, p)
		}
	}
	if len(out) < 10 {
		t.Fatalf("found only %d domain packages (%v): the discovery is broken", len(out), out)
	}
	return out
}

// violations answers, for each package, the forbidden packages among its
// dependencies.
func violations(deps map[string][]string) []string {
	var out []string
	for pkg, ds := range deps {
		for _, d := range ds {
			for _, f := range forbidden {
				if strings.HasPrefix(d, f) {
					out = append(out, pkg+" imports "+d)
				}
			}
		}
	}
	sort.Strings(out)
	return out
}

// depsOf lists each package's transitive dependencies.
func depsOf(t *testing.T, pkgs []string) map[string][]string {
	t.Helper()
	deps := map[string][]string{}
	dec := json.NewDecoder(strings.NewReader(string(goList(t, append([]string{"-json=ImportPath,Deps"}, pkgs...)...))))
	for dec.More() {
		var p struct {
			ImportPath string
			Deps       []string
		}
		if err := dec.Decode(&p); err != nil {
			t.Fatal(err)
		}
		deps[p.ImportPath] = p.Deps
	}
	if len(deps) != len(pkgs) {
		t.Fatalf("go list answered %d of %d packages", len(deps), len(pkgs))
	}
	return deps
}

// TestDependenciesPointOneWay: no domain package imports HTTP, storage,
// jobs, PDF rendering or the layers above it.
func TestDependenciesPointOneWay(t *testing.T) {
	for _, v := range violations(depsOf(t, domainPackages(t))) {
		t.Errorf("%s: the domain must not depend on HTTP, storage, jobs or rendering", v)
	}
}

// TestArchitectureCheckSeesViolations runs the check on a fixture package
// that imports GORM, so that the check above cannot pass by looking at
// nothing.
func TestArchitectureCheckSeesViolations(t *testing.T) {
	fixture := module + "internal/app/testdata/baddomain"
	got := violations(depsOf(t, []string{fixture}))
	if len(got) == 0 || !slices.ContainsFunc(got, func(v string) bool { return strings.Contains(v, "gorm.io/gorm") }) {
		t.Errorf("the check found %v in a package that imports gorm.io/gorm", got)
	}
}

var readmePackage = regexp.MustCompile(`^(internal/[a-z/]+|api/|cmd/crm/|migrations/)\s`)

// TestReadmeListsEveryPackage: the README's architecture section names
// every package, one per line, and nothing that is gone.
func TestReadmeListsEveryPackage(t *testing.T) {
	f, err := os.Open("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	listed := map[string]bool{}
	sc := bufio.NewScanner(f)
	in := false
	for sc.Scan() {
		line := sc.Text()
		switch {
		case line == "## Architecture":
			in = true
		case in && strings.HasPrefix(line, "## "):
			in = false
		case in:
			if m := readmePackage.FindStringSubmatch(line); m != nil {
				listed[strings.TrimSuffix(m[1], "/")] = true
			}
		}
	}
	actual := map[string]bool{}
	for _, p := range strings.Fields(string(goList(t, module+"..."))) {
		rel := strings.TrimPrefix(p, module)
		if strings.HasPrefix(rel, "internal/") || rel == "api" || rel == "cmd/crm" || rel == "migrations" {
			actual[rel] = true
		}
	}
	for p := range actual {
		if !listed[p] {
			t.Errorf("the README's architecture section does not list %s", p)
		}
	}
	for p := range listed {
		if !actual[p] {
			t.Errorf("the README's architecture section lists %s, which go list does not know", p)
		}
	}
}
