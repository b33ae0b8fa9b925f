package bench

import (
	"slices"
	"testing"
)

func names(defs []serverDef) []string {
	var out []string
	for _, d := range defs {
		out = append(out, d.name)
	}
	return out
}

// Variants run when the scenario lists them or --servers names them, never
// otherwise; their lab serve command is their stage plus their flags.
func TestVariantSelection(t *testing.T) {
	listed := []serverDef{{name: "keepalive", kind: kindStage}, {name: "stackbuf", kind: kindStage}}
	all := catalog(listed, nil)

	got, err := selectServers(all, nil, nil)
	if err != nil || slices.Contains(names(got), "nagle-split") {
		t.Fatalf("no variants listed: got %v, %v", names(got), err)
	}
	got, err = selectServers(all, nil, []string{"nagle-split"})
	if err != nil || !slices.Contains(names(got), "nagle-split") || slices.Contains(names(got), "nodelay-split") {
		t.Fatalf("scenario lists nagle-split: got %v, %v", names(got), err)
	}
	got, err = selectServers(all, []string{"nodelay-split"}, nil)
	if err != nil || !slices.Equal(names(got), []string{"nodelay-split"}) {
		t.Fatalf("--servers nodelay-split: got %v, %v", names(got), err)
	}
	if _, err := selectServers(all, nil, []string{"bogus"}); err == nil {
		t.Fatal("an unknown variant in a scenario was accepted")
	}
	for _, d := range variantDefs() {
		if d.serveStage() != "keepalive" || len(d.args) == 0 || d.kind != kindVariant {
			t.Errorf("variant %s: stage %q args %v kind %s", d.name, d.serveStage(), d.args, d.kind)
		}
	}
}
