package main

import (
	"fmt"
	"strconv"
	"strings"
)

// byteSize is a flag for a size in bytes: a plain number, or one with a
// binary unit (KiB, MiB, GiB; K, M, G mean the same).
type byteSize struct{ n *int }

var byteUnits = []struct {
	suffix string
	shift  uint
}{
	{"KiB", 10}, {"MiB", 20}, {"GiB", 30}, {"K", 10}, {"M", 20}, {"G", 30}, {"B", 0},
}

func (b byteSize) String() string {
	if b.n == nil {
		return "0"
	}
	for _, u := range byteUnits[:3] {
		if *b.n > 0 && *b.n%(1<<u.shift) == 0 && *b.n>>u.shift < 1<<10 {
			return strconv.Itoa(*b.n>>u.shift) + u.suffix
		}
	}
	return strconv.Itoa(*b.n)
}

func (b byteSize) Set(s string) error {
	num, shift := s, uint(0)
	for _, u := range byteUnits {
		if strings.HasSuffix(s, u.suffix) {
			num, shift = strings.TrimSuffix(s, u.suffix), u.shift
			break
		}
	}
	v, err := strconv.ParseInt(strings.TrimSpace(num), 10, 64)
	if err != nil || v < 0 || v > (1<<62)>>shift {
		return fmt.Errorf("want a size such as 268435456, 256MiB or 1GiB")
	}
	*b.n = int(v << shift)
	return nil
}
