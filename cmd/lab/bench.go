package main

import "errors"

// cmdBench is a placeholder until its owner lands it.
func cmdBench(args []string) error { return errors.New("not built yet") }
