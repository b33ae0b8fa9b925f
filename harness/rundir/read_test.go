package rundir

import (
	"errors"

	hdr "github.com/HdrHistogram/hdrhistogram-go"
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"time"
)

func TestWriteReadRoundTrip(t *testing.T) {
	dir := t.TempDir()
	want := &Run{
		Version:  1,
		Started:  time.Now().UTC().Truncate(time.Second),
		Scenario: Scenario{Name: "ladder", Rounds: 2},
		Servers:  []ServerSummary{{Name: "naive", Kind: KindStage, Rounds: 2}},
	}
	if err := want.Write(dir); err != nil {
		t.Fatal(err)
	}
	got, err := Read(dir)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("round trip:\n got %+v\nwant %+v", got, want)
	}
}

func TestRoundsAndStats(t *testing.T) {
	dir := t.TempDir()
	for _, k := range []int{2, 1, 10} {
		lr := &LoadResult{Requests: int64(k)}
		if err := WriteJSON(filepath.Join(dir, "naive", RoundJSON(k)), lr); err != nil {
			t.Fatal(err)
		}
	}
	// Files that look like rounds but are not must be ignored.
	if err := os.WriteFile(filepath.Join(dir, "naive", "round-x.json"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	ks, err := Rounds(dir, "naive")
	if err != nil || !reflect.DeepEqual(ks, []int{1, 2, 10}) {
		t.Fatalf("Rounds = %v, %v", ks, err)
	}
	lr, err := ReadRound(dir, "naive", 10)
	if err != nil || lr.Requests != 10 {
		t.Fatalf("ReadRound = %+v, %v", lr, err)
	}
	if ks, err := Rounds(dir, "absent"); err != nil || ks != nil {
		t.Fatalf("Rounds(absent) = %v, %v", ks, err)
	}
	st := &Stats{Stage: "naive", Syscalls: map[string]uint64{"read": 3}}
	if err := WriteStats(dir, "naive", StatsAfterFile, st); err != nil {
		t.Fatal(err)
	}
	got, err := ReadStats(dir, "naive", StatsAfterFile)
	if err != nil || !reflect.DeepEqual(got, st) {
		t.Fatalf("ReadStats = %+v, %v", got, err)
	}
	if !Exists(dir, "naive", StatsAfterFile) || Exists(dir, "naive", StatsBeforeFile) {
		t.Fatal("Exists is wrong")
	}
	if _, err := Read(filepath.Join(dir, "nope")); err == nil {
		t.Fatal("Read of a missing run must fail")
	}
}

// A run.json is read from anywhere (lab report, lab compare): a server
// name that would lead out of the run directory is refused.
func TestReadRefusesServerNamesThatArePaths(t *testing.T) {
	for _, name := range []string{"../../etc", "/etc", "a/b", "..", ".", "", "x\x00y"} {
		dir := t.TempDir()
		r := &Run{Version: 1, Servers: []ServerSummary{{Name: name, Kind: KindStage}}}
		if err := r.Write(dir); err != nil {
			t.Fatal(err)
		}
		if _, err := Read(dir); !errors.Is(err, ErrBadName) {
			t.Errorf("server %q: err %v, want ErrBadName", name, err)
		}
	}
	for _, name := range []string{"naive", "nginx", "rawsyscall~aa", "mc-least-conn", "x.y_z+1"} {
		if err := CheckName(name); err != nil {
			t.Errorf("CheckName(%q): %v", name, err)
		}
	}
}

// An interval log holding a histogram of a huge range (each decoded one
// would cost its reader tens of MiB) is refused at the first one.
func TestReadHlogRefusesHugeRanges(t *testing.T) {
	path := filepath.Join(t.TempDir(), "bomb.hlog")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	w := NewHlogWriter(f, "bomb")
	w.Start(0)
	for range 3 {
		w.Interval(hdr.New(1, 1<<62, 5))
	}
	if err := errors.Join(w.Err(), f.Close()); err != nil {
		t.Fatal(err)
	}
	if _, err := ReadHlog(path); !errors.Is(err, ErrHlog) {
		t.Fatalf("ReadHlog: %v, want ErrHlog", err)
	}
	ok := filepath.Join(t.TempDir(), "ok.hlog")
	f, _ = os.Create(ok)
	w = NewHlogWriter(f, "ok")
	w.Start(0)
	h := NewHist()
	_ = h.RecordValue(1500)
	w.Interval(h)
	_ = f.Close()
	if l, err := ReadHlog(ok); err != nil || l.Whole().TotalCount() != 1 {
		t.Fatalf("a log of the lab's range: %v", err)
	}
}
