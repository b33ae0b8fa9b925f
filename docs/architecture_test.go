// Package docs holds the project's documents; its test keeps
// ARCHITECTURE.md's package table equal to what the code imports.
package docs

import (
	"os"
	"os/exec"
	"slices"
	"strings"
	"testing"
)

const module = "latencylab/"

// documented reads the table between the imports markers: package → the
// packages of ours it imports, as ARCHITECTURE.md says.
func documented(t *testing.T) map[string][]string {
	t.Helper()
	b, err := os.ReadFile("ARCHITECTURE.md")
	if err != nil {
		t.Fatal(err)
	}
	_, table, ok := strings.Cut(string(b), "<!-- imports -->")
	table, _, ok2 := strings.Cut(table, "<!-- /imports -->")
	if !ok || !ok2 {
		t.Fatal("ARCHITECTURE.md has no <!-- imports --> table")
	}
	out := map[string][]string{}
	for _, line := range strings.Split(table, "\n") {
		cells := strings.Split(line, "|")
		if len(cells) != 5 || !strings.HasPrefix(strings.TrimSpace(cells[1]), "`") {
			continue
		}
		pkg := strings.Trim(strings.TrimSpace(cells[1]), "`")
		out[pkg] = strings.Fields(cells[3])
	}
	return out
}

// actual asks go list for every package of the module and its imports of ours.
func actual(t *testing.T) map[string][]string {
	t.Helper()
	cmd := exec.Command("go", "list", "-f", `{{.ImportPath}}:{{join .Imports " "}}`, "./...")
	cmd.Dir = ".."
	b, err := cmd.Output()
	if err != nil {
		t.Skipf("go list: %v", err)
	}
	out := map[string][]string{}
	for _, line := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		pkg, imports, _ := strings.Cut(line, ":")
		pkg = strings.TrimPrefix(pkg, module)
		if pkg == "docs" || pkg == "latencylab" {
			continue
		}
		var ours []string
		for _, imp := range strings.Fields(imports) {
			if rest, ok := strings.CutPrefix(imp, module); ok {
				ours = append(ours, rest)
			}
		}
		out[pkg] = ours
	}
	return out
}

func TestArchitectureTableMatchesImports(t *testing.T) {
	doc, code := documented(t), actual(t)
	for pkg, imports := range code {
		got, ok := doc[pkg]
		switch {
		case !ok:
			t.Errorf("package %s is not in ARCHITECTURE.md's table", pkg)
		case !slices.Equal(sorted(got), sorted(imports)):
			t.Errorf("%s imports %v; ARCHITECTURE.md says %v", pkg, sorted(imports), sorted(got))
		}
	}
	for pkg := range doc {
		if _, ok := code[pkg]; !ok {
			t.Errorf("ARCHITECTURE.md lists %s, which is not a package", pkg)
		}
	}
}

func sorted(s []string) []string { return slices.Sorted(slices.Values(s)) }
