package load

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	hdrhistogram "github.com/HdrHistogram/hdrhistogram-go"

	"latencylab/harness/rundir"
)

// N shards of a plan run every connection of it exactly once, each with
// the phase it has in the single-agent plan, and their rates add up to
// the plan's.
func TestShardsPartitionThePlan(t *testing.T) {
	cfg := DefaultConfig("http://127.0.0.1:1/")
	cfg.Conns, cfg.Rate = 10, 5000
	whole := newPlan(cfg, target{}, time.Time{})
	seen := map[int]int{}
	rate := 0.0
	for i := range 3 {
		sh := cfg
		sh.Shard = Shard{Index: i, Count: 3}
		p := newPlan(sh, target{}, time.Time{})
		for _, g := range sh.Shard.conns(cfg.Conns) {
			seen[g]++
			if g%3 != i {
				t.Errorf("shard %d runs connection %d", i, g)
			}
			if p.phase(g) != whole.phase(g) || p.periodNs != whole.periodNs {
				t.Errorf("connection %d: phase %d period %v, single plan %d %v", g, p.phase(g), p.periodNs, whole.phase(g), whole.periodNs)
			}
		}
		rate += shareOfRate(sh)
	}
	for g := range cfg.Conns {
		if seen[g] != 1 {
			t.Errorf("connection %d run %d times", g, seen[g])
		}
	}
	if rate != cfg.Rate {
		t.Errorf("shares add up to %v req/s, plan %v", rate, cfg.Rate)
	}
}

func TestParseShardAndStartAt(t *testing.T) {
	if s, err := ParseShard("2/3"); err != nil || s != (Shard{2, 3}) {
		t.Errorf("2/3: %v %v", s, err)
	}
	for _, bad := range []string{"3/3", "-1/3", "1", "a/b", "0/0", "1/2000"} {
		if _, err := ParseShard(bad); err == nil {
			t.Errorf("shard %q accepted", bad)
		}
	}
	want := time.Date(2026, 12, 1, 10, 0, 0, 5e8, time.UTC)
	if ts, err := ParseStartAt("2026-12-01T10:00:00.5Z"); err != nil || !ts.Equal(want) {
		t.Errorf("RFC 3339: %v %v", ts, err)
	}
	if ts, err := ParseStartAt(fmt.Sprintf("%d.25", want.Unix())); err != nil || ts.UnixMilli() != want.UnixMilli()-250 {
		t.Errorf("Unix seconds: %v %v", ts, err)
	}
	for _, bad := range []string{"tomorrow", "-5", ""} {
		if _, err := ParseStartAt(bad); err == nil {
			t.Errorf("start-at %q accepted", bad)
		}
	}
	cfg := DefaultConfig("http://127.0.0.1:1/")
	cfg.StartAt = time.Now().Add(48 * time.Hour)
	if err := cfg.Validate(); err == nil || !strings.Contains(err.Error(), "ahead") {
		t.Errorf("a start two days ahead: %v", err)
	}
	cfg.StartAt, cfg.Conns, cfg.Shard = time.Time{}, 2, Shard{0, 3}
	if err := cfg.Validate(); err == nil {
		t.Error("3 agents for 2 connections accepted")
	}
}

// runAgents runs the plan as n agents from a common origin and returns
// their JSON paths.
func runAgents(t *testing.T, cfg Config, n int, dir string) []string {
	t.Helper()
	cfg.StartAt = time.Now().Add(300 * time.Millisecond)
	paths := make([]string, n)
	var wg sync.WaitGroup
	errs := make([]error, n)
	for i := range n {
		c := cfg
		c.Shard = Shard{Index: i, Count: n}
		c.HlogPath = filepath.Join(dir, fmt.Sprintf("agent-%d.hlog", i))
		paths[i] = filepath.Join(dir, fmt.Sprintf("agent-%d.json", i))
		wg.Go(func() {
			res, err := Run(t.Context(), c)
			if err == nil {
				err = res.WriteJSON(paths[i])
			}
			errs[i] = err
		})
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("agent %d: %v", i, err)
		}
	}
	return paths
}

// Three agents of one open-loop plan, merged: the counts add up, the
// merged interval histograms are the sums of the agents', bit for bit,
// and the merged result has the plan's connections and rate.
func TestShardedAgentsMergeExactly(t *testing.T) {
	s := startRaw(t, fixed(okResponse))
	cfg := quick(s.url("/"))
	cfg.Conns, cfg.Rate, cfg.Duration, cfg.Warmup = 6, 1200, 1500*time.Millisecond, 200*time.Millisecond
	dir := t.TempDir()
	paths := runAgents(t, cfg, 3, dir)
	m, err := Merge(paths)
	if err != nil {
		t.Fatal(err)
	}
	var agents []*agentResult
	var requests int64
	for _, p := range paths {
		a, err := readAgent(p)
		if err != nil {
			t.Fatal(err)
		}
		agents = append(agents, a)
		requests += a.sum.Requests
		if a.sum.Shard.Late {
			t.Errorf("agent %d late by %v", a.sum.Shard.Index, time.Duration(a.sum.Shard.LateNs))
		}
	}
	sum := m.Summary
	if sum.Requests != requests || sum.Conns != cfg.Conns || sum.Rate != cfg.Rate || sum.Latency.Count != requests {
		t.Fatalf("merged: requests %d (agents %d), conns %d, rate %v, latency samples %d", sum.Requests, requests, sum.Conns, sum.Rate, sum.Latency.Count)
	}
	if sum.Service.Count != requests || sum.SendLag.Count != requests {
		t.Errorf("service samples %d, send-lag samples %d, want %d", sum.Service.Count, sum.SendLag.Count, requests)
	}
	for k, iv := range m.intervals {
		want := newHist()
		for _, a := range agents {
			for _, h := range a.intervals {
				if step := intervalNs / 1e6; (h.StartTimeMs()-m.startMs+step/2)/step == int64(k) {
					want.Merge(h)
				}
			}
		}
		if !slices.Equal(iv.Export().Counts, want.Export().Counts) {
			t.Errorf("interval %d: merged counts differ from the agents' sum", k)
		}
	}
	// The merged log reads back with HdrHistogram's reader: the untagged
	// stream holds every request, and each agent's tag is kept.
	out := filepath.Join(dir, "merged.hlog")
	if err := m.WriteHlog(out); err != nil {
		t.Fatal(err)
	}
	byTag := readTags(t, out)
	if byTag[""] != requests || byTag["service"] != requests {
		t.Errorf("merged log: untagged %d, service %d samples, want %d", byTag[""], byTag["service"], requests)
	}
	for i, a := range agents {
		if got := byTag[fmt.Sprintf("agent-%d", i)]; got != a.sum.Requests {
			t.Errorf("tag agent-%d: %d samples, want %d", i, got, a.sum.Requests)
		}
	}
}

// readTags counts the samples of an interval log by tag.
func readTags(t *testing.T, path string) map[string]int64 {
	t.Helper()
	hs := readHlogFile(t, path)
	out := map[string]int64{}
	for _, h := range hs {
		out[h.Tag()] += h.TotalCount()
	}
	return out
}

func readHlogFile(t *testing.T, path string) []*hdrhistogram.Histogram {
	t.Helper()
	a := &agentResult{}
	if err := a.readHlog(path); err != nil {
		t.Fatal(err)
	}
	all := slices.Clone(a.intervals)
	for tag, h := range a.totals {
		h.SetTag(tag)
		all = append(all, h)
	}
	return all
}

// Results that are not one whole plan are refused with a reason.
func TestMergeRefusesWhatDoesNotBelong(t *testing.T) {
	s := startRaw(t, fixed(okResponse))
	cfg := quick(s.url("/"))
	cfg.Conns, cfg.Rate, cfg.Duration = 4, 400, 300*time.Millisecond
	dir := t.TempDir()
	paths := runAgents(t, cfg, 2, dir)
	other := t.TempDir()
	cfg2 := cfg
	cfg2.URL = s.url("/other")
	otherPaths := runAgents(t, cfg2, 2, other)
	whole := filepath.Join(dir, "whole.json")
	res := mustRun(t, cfg)
	if err := res.WriteJSON(whole); err != nil {
		t.Fatal(err)
	}
	// An agent whose log was cut short (or swapped): its JSON beside a
	// log that holds fewer samples than it counts.
	cut := t.TempDir()
	for _, p := range paths {
		b, _ := os.ReadFile(p)
		_ = os.WriteFile(filepath.Join(cut, filepath.Base(p)), b, 0o644)
		hl := strings.TrimSuffix(p, ".json") + ".hlog"
		lines, _ := os.ReadFile(hl)
		keep := strings.Split(string(lines), "\n")
		if p == paths[1] {
			keep = keep[:len(keep)-3] // the last interval and the totals are gone
		}
		_ = os.WriteFile(filepath.Join(cut, filepath.Base(hl)), []byte(strings.Join(keep, "\n")), 0o644)
	}
	cutPaths := []string{filepath.Join(cut, filepath.Base(paths[0])), filepath.Join(cut, filepath.Base(paths[1]))}
	for name, c := range map[string]struct {
		in   []string
		want string
	}{
		"missing agent":    {paths[:1], "agents 1 of 2 are missing"},
		"duplicate agent":  {[]string{paths[0], paths[0], paths[1]}, "are both agent 0"},
		"other plan":       {[]string{paths[0], otherPaths[1]}, "not one plan: url"},
		"not sharded":      {[]string{whole}, "not a sharded agent's result"},
		"no hlog":          {[]string{filepath.Join(dir, "nope.json")}, "no such file"},
		"nothing to merge": {nil, "no input"},
		"log cut short":    {cutPaths, "not this agent's log, or cut short"},
	} {
		t.Run(name, func(t *testing.T) {
			if _, err := Merge(c.in); err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("err %v, want one saying %q", err, c.want)
			}
		})
	}
}

// A signal while an agent waits for its --start-at ends the run at once,
// marked interrupted, instead of at the origin.
func TestCancelWhileWaitingForTheOrigin(t *testing.T) {
	s := startRaw(t, fixed(okResponse))
	cfg := quick(s.url("/"))
	cfg.StartAt = time.Now().Add(30 * time.Second)
	ctx, cancel := context.WithTimeout(t.Context(), 200*time.Millisecond)
	defer cancel()
	start := time.Now()
	res, _ := Run(ctx, cfg)
	if took := time.Since(start); took > 10*time.Second {
		t.Fatalf("Run returned %v after the cancel, not at once", took)
	}
	if res == nil || !res.Summary.Interrupted || res.Summary.Requests != 0 {
		t.Fatalf("result %+v: want an interrupted run with no request", res)
	}
}

func TestStartAtInThePastIsRefused(t *testing.T) {
	cfg := DefaultConfig("http://127.0.0.1:1/")
	cfg.StartAt = time.Now().Add(-time.Hour)
	if err := cfg.Validate(); err == nil || !strings.Contains(err.Error(), "has passed") {
		t.Fatalf("a start-at an hour ago: %v", err)
	}
	for _, bad := range []string{"NaN", "inf", "1e30"} {
		if _, err := ParseStartAt(bad); err == nil {
			t.Errorf("start-at %q accepted", bad)
		}
	}
}

func TestShardSize(t *testing.T) {
	for conns := 1; conns <= 12; conns++ {
		for n := 1; n <= conns; n++ {
			for i := range n {
				sh := Shard{Index: i, Count: n}
				if got, want := sh.size(conns), len(sh.conns(conns)); got != want {
					t.Fatalf("shard %v of %d conns: size %d, runs %d", sh, conns, got, want)
				}
			}
		}
	}
	if got := (Shard{}).size(7); got != 7 {
		t.Errorf("the whole plan: %d", got)
	}
}

// HTTP/2's counts add up over agents, the write counts among them, and
// the lowest server limit is kept.
func TestMergeHTTP2(t *testing.T) {
	four, two := 4, 2
	a := &rundir.HTTP2Info{Streams: 8, ServerMaxStreams: &four, GoAways: 1, CoalesceNs: 10_000, RequestWrites: 10, RequestsWritten: 70}
	b := &rundir.HTTP2Info{Streams: 8, ServerMaxStreams: &two, Capped: true, StreamResets: 3, CoalesceNs: 10_000, RequestWrites: 5, RequestsWritten: 10}
	m := mergeHTTP2(mergeHTTP2(nil, a), b)
	if *m.ServerMaxStreams != 2 || !m.Capped || m.GoAways != 1 || m.StreamResets != 3 || m.CoalesceNs != 10_000 ||
		m.RequestWrites != 15 || m.RequestsWritten != 80 || m.RequestsPerWrite() != 80.0/15 {
		t.Fatalf("merged %+v", m)
	}
	if *a.ServerMaxStreams != 4 || a.RequestWrites != 10 {
		t.Fatalf("the first agent's info changed: %+v", a)
	}
}
