package http1

import (
	"encoding/binary"
	"math/rand/v2"
	"testing"
)

// TestMayHoldCTL puts every byte value at every position of a word of
// ordinary bytes: the word test must flag exactly the CTLs and DEL.
func TestMayHoldCTL(t *testing.T) {
	for _, fill := range []byte{'a', ' ', 0x80, 0xff, 0x20, 0x7e} {
		for c := range 256 {
			for pos := range 8 {
				var w [8]byte
				for i := range w {
					w[i] = fill
				}
				w[pos] = byte(c)
				want := c < 0x20 || c == 0x7f
				if got := mayHoldCTL(binary.LittleEndian.Uint64(w[:])); got != want {
					t.Fatalf("fill %#x byte %#x at %d: %v", fill, c, pos, got)
				}
			}
		}
	}
}

// TestCheckValue: the word-at-a-time check agrees with the byte table.
func TestCheckValue(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	alphabet := []byte("ab \t\x00\r\x7f\x80\xff\x1f~")
	for range 20000 {
		b := make([]byte, rng.IntN(40))
		for i := range b {
			if rng.IntN(8) == 0 {
				b[i] = alphabet[rng.IntN(len(alphabet))]
			} else {
				b[i] = 'v'
			}
		}
		if got, want := checkValue(b), checkBytes(b, classValue, errFieldValue); got != want {
			t.Fatalf("%q: %v, want %v", b, got, want)
		}
	}
}

func TestByteClasses(t *testing.T) {
	for c := range 256 {
		b := byte(c)
		wantValue := b == '\t' || b >= 0x20 && b != 0x7f
		if got := classes[b]&classValue != 0; got != wantValue {
			t.Errorf("value class of %#x: %v", b, got)
		}
		wantTarget := b > 0x20 && b != 0x7f
		if got := classes[b]&classTarget != 0; got != wantTarget {
			t.Errorf("target class of %#x: %v", b, got)
		}
	}
	if isToken('(') || isToken(' ') || isToken(':') || !isToken('~') || !isToken('!') {
		t.Error("token class")
	}
}

func TestListElements(t *testing.T) {
	var got []string
	v := []byte(" a ,b,, \tc\t")
	for more := true; more; {
		var e []byte
		e, v, more = nextElement(v)
		got = append(got, string(e))
	}
	if len(got) != 4 || got[0] != "a" || got[1] != "b" || got[2] != "" || got[3] != "c" {
		t.Fatalf("%q", got)
	}
}
