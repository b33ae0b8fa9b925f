package main

import "errors"

// cmdReport is a placeholder until its owner lands it.
func cmdReport(args []string) error { return errors.New("not built yet") }
