package main

import "errors"

// cmdCompare is a placeholder until its owner lands it.
func cmdCompare(args []string) error { return errors.New("not built yet") }
