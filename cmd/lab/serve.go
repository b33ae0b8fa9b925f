package main

import "errors"

// cmdServe is a placeholder until its owner lands it.
func cmdServe(args []string) error { return errors.New("not built yet") }
