package bench

import (
	"fmt"

	"github.com/prometheus/procfs"

	"latencylab/harness/rundir"
)

// kernelCounters are the TCP counters read around every measured trial,
// from the server's network namespace (/proc/<pid>/net/netstat and snmp):
// the evidence of the kernel's latency pathologies.
//
//   - DelayedACKs: ACKs the kernel held back (delayed ACK meeting Nagle)
//   - ListenOverflows, ListenDrops: SYNs dropped for a full accept queue
//   - TCPSynRetrans: SYNs sent again (a client whose SYN was dropped)
//   - RetransSegs, TCPTimeouts: retransmissions, and the ones an RTO fired
//   - TCPLossProbes: tail-loss probes (retransmissions before the RTO)
//
// They cover the whole namespace: on loopback the client's side is in them
// too, and so is any other traffic of the machine meanwhile.
type kernelCounters map[string]int64

// readKernel reads the counters of pid's network namespace.
func readKernel(fs procfs.FS, pid int) (kernelCounters, error) {
	p, err := fs.Proc(pid)
	if err != nil {
		return nil, fmt.Errorf("kernel counters: %w", err)
	}
	ns, err := p.Netstat()
	if err != nil {
		return nil, fmt.Errorf("kernel counters: netstat: %w", err)
	}
	snmp, err := p.Snmp()
	if err != nil {
		return nil, fmt.Errorf("kernel counters: snmp: %w", err)
	}
	k := kernelCounters{}
	for name, v := range map[string]*float64{
		"DelayedACKs":     ns.DelayedACKs,
		"ListenOverflows": ns.ListenOverflows,
		"ListenDrops":     ns.ListenDrops,
		"TCPSynRetrans":   ns.TCPSynRetrans,
		"TCPTimeouts":     ns.TCPTimeouts,
		"TCPLossProbes":   ns.TCPLossProbes,
		"RetransSegs":     snmp.RetransSegs,
	} {
		if v != nil {
			k[name] = int64(*v)
		}
	}
	return k, nil
}

// delta is after minus before, per counter present in both.
func (after kernelCounters) delta(before kernelCounters) map[string]int64 {
	d := map[string]int64{}
	for name, a := range after {
		if b, ok := before[name]; ok {
			d[name] = a - b
		}
	}
	return d
}

// kernelOf reads t's counters before a trial; nil when they cannot be
// read (noted once per run).
func (r *runner) kernelOf(t *target) kernelCounters {
	fs, err := procfs.NewDefaultFS()
	pid, ok := t.pid()
	if err == nil && ok {
		var k kernelCounters
		if k, err = readKernel(fs, pid); err == nil {
			return k
		}
	}
	if err == nil {
		return nil // a running server known by its URL alone: nothing to read
	}
	if !r.kernelNoted {
		r.kernelNoted = true
		r.note(fmt.Sprintf("no kernel TCP counters: %v", err))
	}
	return nil
}

// addKernel puts the trial's counter deltas into its result and its
// round JSON.
func (r *runner) addKernel(t *target, lr *rundir.LoadResult, before kernelCounters, path string) {
	if before == nil {
		return
	}
	after := r.kernelOf(t)
	if after == nil {
		return
	}
	lr.Kernel = after.delta(before)
	if err := rundir.WriteJSON(path, lr); err != nil {
		t.warn("kernel counters: " + err.Error())
	}
}
