package app_test

import (
	"os/exec"
	"strings"
	"testing"
)

// TestDependenciesPointOneWay: domain packages import neither Echo nor GORM
// nor the storage or HTTP layers.
func TestDependenciesPointOneWay(t *testing.T) {
	domain := []string{"identity", "sales", "money", "quoting", "activity", "catalog", "relations", "errs", "page", "tenant"}
	forbidden := []string{"github.com/labstack/echo", "gorm.io/", "github.com/acme/crm/api", "github.com/acme/crm/internal/postgres"}
	for _, pkg := range domain {
		path := "github.com/acme/crm/internal/" + pkg
		out, err := exec.Command("go", "list", "-deps", path).CombinedOutput()
		if err != nil {
			if strings.Contains(string(out), "cannot find package") || strings.Contains(string(out), "no Go files") ||
				strings.Contains(string(out), "is not in std") || strings.Contains(string(out), "no required module") {
				continue // not built yet
			}
			t.Fatalf("go list %s: %v\n%s", path, err, out)
		}
		for _, dep := range strings.Fields(string(out)) {
			for _, f := range forbidden {
				if strings.HasPrefix(dep, f) {
					t.Errorf("%s imports %s: the domain must not depend on HTTP or storage", path, dep)
				}
			}
		}
	}
}
