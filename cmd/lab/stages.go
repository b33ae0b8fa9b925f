package main

import (
	"fmt"
	"os"

	"latencylab/stages"
)

// cmdStages prints the ladder in order: NAME<TAB>summary<TAB>BASE.
func cmdStages(args []string) error {
	fs := newFlagSet("stages", "\n\nPrints the stage ladder in order, one stage per line: NAME<TAB>summary<TAB>BASE,\n"+
		"BASE being the stage it changes (empty for the first).")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageError{"stages takes no arguments"}
	}
	for _, s := range stages.Ladder() {
		fmt.Fprintf(os.Stdout, "%s\t%s\t%s\n", s.Name, s.Summary, s.Base)
	}
	return nil
}
