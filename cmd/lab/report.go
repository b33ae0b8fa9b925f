package main

import (
	"fmt"
	"log/slog"
	"os"

	"latencylab/reports"
)

// cmdReport renders RUN_DIR/report/ from a run directory alone.
func cmdReport(args []string) error {
	fs := newFlagSet("report", "[flags] RUN_DIR\n\nRenders RUN_DIR/report/ from the run directory alone: REPORT.md, the same document as\n"+
		"a page for a browser (index.html, charts inline, links to the flame graphs and diffs),\n"+
		"the charts (.png, .svg), flame/ and diff/. Prints the paths of REPORT.md and index.html.")
	verbose := fs.Bool("v", false, "log progress to stderr")
	noFlames := fs.Bool("no-flames", false, "leave out the flame graphs and profile diffs (HTML pages of 0.1-0.6 MB each): a lighter report to publish")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return usageError{"want exactly one RUN_DIR"}
	}
	out, err := reports.Report(fs.Arg(0), reports.Options{Logger: cliLogger(*verbose), NoFlames: *noFlames})
	if err != nil {
		return err
	}
	for _, n := range out.Notes {
		fmt.Fprintln(os.Stderr, "note:", n)
	}
	fmt.Println(out.Markdown)
	fmt.Println(out.Page)
	return nil
}

// cliLogger logs warnings, or everything with -v, to stderr.
func cliLogger(verbose bool) *slog.Logger {
	level := slog.LevelWarn
	if verbose {
		level = slog.LevelDebug
	}
	return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level}))
}
