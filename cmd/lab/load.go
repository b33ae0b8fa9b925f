package main

import "errors"

// cmdLoad is a placeholder until its owner lands it.
func cmdLoad(args []string) error { return errors.New("not built yet") }
