package main

import "errors"

// cmdStages is a placeholder until its owner lands it.
func cmdStages(args []string) error { return errors.New("not built yet") }
