package main

import (
	"fmt"
	"io"
	"os"

	"latencylab/harness/load"
)

// cmdMerge is lab merge [--json OUT] [--hlog OUT] INPUT…
func cmdMerge(args []string) error {
	return runMerge(args, os.Stdout)
}

func runMerge(args []string, stdout io.Writer) error {
	fs := newFlagSet("merge", "[--json OUT|-] [--hlog OUT] AGENT.json…\n\n"+
		"Merges the results of lab load agents that ran one plan together (--shard I/N, one\n"+
		"--start-at) into one result in lab load's formats. Each agent's --hlog must lie beside\n"+
		"its --json with the same name (agent-0.json, agent-0.hlog). Interval histograms add\n"+
		"exactly, so the merged percentiles are those of every request. Results of other plans,\n"+
		"duplicate agents and missing agents are refused.")
	jsonOut := fs.String("json", "-", "write the merged JSON here (-: stdout)")
	hlogOut := fs.String("hlog", "", "write the merged interval log here (sum per interval, each agent's intervals tagged agent-I)")
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	if len(pos) == 0 {
		fs.Usage()
		return usageError{"want the agents' JSON results"}
	}
	m, err := load.Merge(pos)
	if err != nil {
		return err
	}
	if *hlogOut != "" {
		if err := m.WriteHlog(*hlogOut); err != nil {
			return err
		}
	}
	if err := m.WriteJSON(*jsonOut, stdout); err != nil {
		return err
	}
	if *jsonOut != "-" {
		fmt.Fprintf(stdout, "merged %d agents: %d requests, %.0f req/s\n", len(m.Summary.Agents), m.Summary.Requests, m.Summary.ThroughputRPS)
	}
	return nil
}
