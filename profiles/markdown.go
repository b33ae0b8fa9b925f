package profiles

import (
	"fmt"
	"strings"
	"time"
)

// Markdown renders the table with values in the profile's unit, scaled
// for reading (ms, MiB, …), and each delta as a share of the base total.
func (t DiffTable) Markdown() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s (%s): base total %s, new total %s\n\n",
		t.SampleType, t.Unit, FormatValue(t.BaseTotal, t.Unit), FormatValue(t.NewTotal, t.Unit))
	if len(t.Rows) == 0 {
		b.WriteString("_no function changed_\n")
		return b.String()
	}
	if t.Counted && !t.AnyBeyondNoise() {
		fmt.Fprintf(&b, noNoiseChange, t.Z, t.Functions)
	}
	b.WriteString("| function | flat base | flat new | Δ flat | cum base | cum new | Δ cum |")
	if t.Counted {
		b.WriteString(" noise |")
	}
	b.WriteString("\n|---|---:|---:|---:|---:|---:|---:|")
	if t.Counted {
		b.WriteString("---|")
	}
	b.WriteString("\n")
	for _, r := range t.Rows {
		fmt.Fprintf(&b, "| `%s` | %s | %s | %s | %s | %s | %s |", escapePipes(r.Func),
			FormatValue(r.BaseFlat, t.Unit), FormatValue(r.NewFlat, t.Unit), t.delta(r.DeltaFlat()),
			FormatValue(r.BaseCum, t.Unit), FormatValue(r.NewCum, t.Unit), t.delta(r.DeltaCum()))
		if t.Counted {
			fmt.Fprintf(&b, " %s |", t.noise(r))
		}
		b.WriteString("\n")
	}
	return b.String()
}

// noNoiseChange heads a table none of whose rows moved beyond the noise.
const noNoiseChange = "**No change beyond the sampling noise**: every row below moved by less than %.1f standard errors " +
	"of its sample counts (a function seen in k samples of a window is seen in about k ± √k in another; the bar is raised " +
	"for the %d functions compared): this is what wobbled, not what left.\n\n"

// noise says whether a row moved beyond the sampling noise.
func (t DiffTable) noise(r Change) string {
	if t.BeyondNoise(r) {
		return "**beyond** " + r.counts()
	}
	return "within " + r.counts()
}

// delta formats a signed change and its share of the base total.
func (t DiffTable) delta(v int64) string {
	s := FormatValue(v, t.Unit)
	if v > 0 {
		s = "+" + s
	}
	if t.BaseTotal > 0 {
		s += fmt.Sprintf(" (%+.1f%%)", 100*float64(v)/float64(t.BaseTotal))
	}
	return s
}

// FormatValue prints a profile value with a unit a person reads easily.
func FormatValue(v int64, unit string) string {
	switch unit {
	case "nanoseconds":
		return time.Duration(v).Round(roundTo(v)).String()
	case "bytes":
		return formatBytes(v)
	case "count", "":
		return fmt.Sprintf("%d", v)
	}
	return fmt.Sprintf("%d %s", v, unit)
}

// roundTo keeps about three significant digits of a duration.
func roundTo(ns int64) time.Duration {
	switch a := abs(ns); {
	case a >= int64(time.Second):
		return time.Millisecond
	case a >= int64(time.Millisecond):
		return time.Microsecond
	}
	return 1
}

func formatBytes(v int64) string {
	const k = 1024
	a := abs(v)
	switch {
	case a >= k*k*k:
		return fmt.Sprintf("%.2f GiB", float64(v)/(k*k*k))
	case a >= k*k:
		return fmt.Sprintf("%.2f MiB", float64(v)/(k*k))
	case a >= k:
		return fmt.Sprintf("%.1f KiB", float64(v)/k)
	}
	return fmt.Sprintf("%d B", v)
}

// escapePipes keeps a function name from splitting a markdown cell.
func escapePipes(s string) string { return strings.ReplaceAll(s, "|", `\|`) }
