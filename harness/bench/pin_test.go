package bench

import (
	"strconv"
	"testing"

	"latencylab/internal/cpuset"
)

func itoaPid(n int) string { return strconv.Itoa(n) }

func mustSet(t *testing.T, list string) cpuset.Set {
	t.Helper()
	s, err := cpuset.Parse(list)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestPlanCPUs(t *testing.T) {
	cases := []struct {
		online, server, load string
		wantServer, wantLoad string
		wantShared, wantErr  bool
	}{
		{online: "0-1", wantServer: "0", wantLoad: "1"},
		{online: "0-7", wantServer: "0", wantLoad: "1-7"},
		{online: "2,5", wantServer: "2", wantLoad: "5"},
		{online: "3", wantServer: "3", wantLoad: "3", wantShared: true},
		{online: "0-3", server: "2-3", load: "0-1", wantServer: "2-3", wantLoad: "0-1"},
		{online: "0-3", server: "x", wantErr: true},
	}
	for _, c := range cases {
		p, err := planCPUs(mustSet(t, c.online), c.server, c.load)
		if c.wantErr {
			if err == nil {
				t.Errorf("%+v: no error", c)
			}
			continue
		}
		if err != nil || p.server.String() != c.wantServer || p.load.String() != c.wantLoad || p.shared != c.wantShared {
			t.Errorf("%+v: got server %s load %s shared %v err %v", c, p.server, p.load, p.shared, err)
		}
	}
}

func TestCPUListAndMask(t *testing.T) {
	got, err := cpuList(mustSet(t, "0,2-4,7"))
	if err != nil || len(got) != 5 || got[0] != 0 || got[1] != 2 || got[3] != 4 || got[4] != 7 {
		t.Errorf("cpuList = %v, %v", got, err)
	}
	m, err := cpuMask(mustSet(t, "1,3"))
	if err != nil || m.Count() != 2 || !m.IsSet(1) || !m.IsSet(3) {
		t.Errorf("cpuMask = %v, %v", m, err)
	}
}

func TestRotate(t *testing.T) {
	ts := []*target{{def: serverDef{name: "a"}}, {def: serverDef{name: "b"}}, {def: serverDef{name: "c"}}}
	names := func(xs []*target) string {
		s := ""
		for _, x := range xs {
			s += x.def.name
		}
		return s
	}
	for by, want := range []string{"abc", "bca", "cab", "abc"} {
		if got := names(rotate(ts, by)); got != want {
			t.Errorf("rotate by %d = %s, want %s", by, got, want)
		}
	}
}
