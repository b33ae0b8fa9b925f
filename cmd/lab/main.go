// Command lab is latencylab's one binary: it serves the stages, generates
// load, runs benches and renders reports. This file only dispatches; each
// subcommand lives in its own file and wires packages together.
package main

import (
	"errors"
	"flag"
	"fmt"
	"os"
)

// command is one subcommand: its one-line summary and its entry point.
type command struct {
	name    string
	summary string
	run     func(args []string) error
}

func commands() []command {
	return []command{
		{"serve", "serve a stage (or a reference server) on the one core (epoll, or io_uring for uring)", cmdServe},
		{"stages", "list the ladder in order: NAME<TAB>summary<TAB>BASE (the stage it changes)", cmdStages},
		{"load", "generate HTTP/1.1 load against any server and measure latency", cmdLoad},
		{"bench", "run a scenario over every server; prints the run directory last", cmdBench},
		{"report", "render RUN_DIR/report/ from a run directory", cmdReport},
		{"compare", "compare two runs (or servers): did my change help, and why", cmdCompare},
		{"merge", "merge the results of lab load agents that ran one plan (--shard)", cmdMerge},
	}
}

func usage() {
	fmt.Fprintln(os.Stderr, "usage: lab COMMAND [flags]  (lab COMMAND --help for its flags)")
	fmt.Fprintln(os.Stderr)
	for _, c := range commands() {
		fmt.Fprintf(os.Stderr, "  %-8s %s\n", c.name, c.summary)
	}
}

func main() {
	if len(os.Args) < 2 || os.Args[1] == "-h" || os.Args[1] == "--help" || os.Args[1] == "help" {
		usage()
		if len(os.Args) < 2 {
			os.Exit(2)
		}
		return
	}
	for _, c := range commands() {
		if c.name != os.Args[1] {
			continue
		}
		err := c.run(os.Args[2:])
		switch {
		case err == nil:
			return
		case errors.Is(err, flag.ErrHelp):
			return
		default:
			fmt.Fprintf(os.Stderr, "lab %s: %v\n", c.name, err)
			var ec exitCoder
			if errors.As(err, &ec) {
				os.Exit(ec.ExitCode())
			}
			os.Exit(1)
		}
	}
	fmt.Fprintf(os.Stderr, "lab: unknown command %q\n\n", os.Args[1])
	usage()
	os.Exit(2)
}

// exitCoder lets a subcommand choose its exit status (2 for usage errors).
type exitCoder interface{ ExitCode() int }

// usageError is a bad command line: exit status 2.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }
func (e usageError) ExitCode() int { return 2 }

// newFlagSet makes a subcommand's flag set with a usage line that tells the truth.
func newFlagSet(name, synopsis string) *flag.FlagSet {
	fs := flag.NewFlagSet("lab "+name, flag.ContinueOnError)
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "usage: lab %s %s\n\nflags:\n", name, synopsis)
		fs.PrintDefaults()
	}
	return fs
}

// parseFlags parses args, turning a flag error into a usageError.
func parseFlags(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return usageError{err.Error()}
	}
	return nil
}
