// Package reports turns a run directory into REPORT.md with charts,
// flame graphs and profile diffs (lab report), and compares two runs or
// servers with significance tests (lab compare).
//
// It reads nothing but the run directory (docs/ARCHITECTURE.md): every number it
// shows comes from run.json, the round JSON and .hlog files, the /stats
// snapshots and the profiles written there. A missing piece becomes a
// visible note in the output, never a failure of the whole report.
package reports
