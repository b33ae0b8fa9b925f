package main

import (
	"flag"
	"fmt"
	"os"

	"latencylab/reports"
)

// cmdCompare compares two runs, or two servers, and prints markdown; the
// charts and profile diffs go to --out.
func cmdCompare(args []string) error {
	fs := newFlagSet("compare", "[--out DIR] [--noise AA_RUN] RUN_A[:SERVER] RUN_B[:SERVER]\n\n"+
		"Each side is a run directory (lab bench), or lab load results: one --json file, or a folder of\n"+
		"them (several results a side give medians and the U test), each with its --hlog beside it.\n"+
		"Without :SERVER every server present in both runs is compared. Files go to --out,\n"+
		"by default RUN_B/report/compare-<basename of RUN_A>[-<server A>-vs-<server B>]/: COMPARE.md, the\n"+
		"same document as a page for a browser (index.html), the spectrum chart and the profile diffs;\n"+
		"beside lab load results B, compare-<A>-vs-<B>/.")
	out := fs.String("out", "", "output folder for COMPARE.md, index.html, the spectrum chart and profile diffs")
	noise := fs.String("noise", "", "an A/A run (lab bench --aa): differences below its A/A difference are reported as within noise")
	verbose := fs.Bool("v", false, "log progress to stderr")
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 2 {
		fs.Usage()
		return usageError{"want RUN_A[:SERVER] RUN_B[:SERVER]"}
	}
	a, b := reports.ParseTarget(pos[0]), reports.ParseTarget(pos[1])
	opt := reports.Options{Logger: cliLogger(*verbose)}
	if *noise != "" {
		if opt.Noise, err = reports.NoiseFloor(*noise); err != nil {
			return usageError{"--noise: " + err.Error()}
		}
	}
	res, err := reports.Compare(a, b, *out, opt)
	if err != nil {
		return err
	}
	fmt.Print(res.Markdown)
	fmt.Fprintln(os.Stderr, "files:", res.Dir)
	fmt.Fprintln(os.Stderr, "page:", res.Page)
	return nil
}

// parseInterspersed lets flags follow the positional arguments
// (lab compare A B --out X), which the flag package alone stops at.
func parseInterspersed(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := parseFlags(fs, args); err != nil {
			return nil, err
		}
		rest := fs.Args()
		if len(rest) == 0 {
			return pos, nil
		}
		pos, args = append(pos, rest[0]), rest[1:]
	}
}
