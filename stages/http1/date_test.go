package http1

import (
	"testing"
	"time"
)

func TestDateCache(t *testing.T) {
	var d DateCache
	now := time.Date(1994, 11, 6, 8, 49, 37, 0, time.FixedZone("X", 3600))
	got := d.Get(now)
	if string(got) != "Sun, 06 Nov 1994 07:49:37 GMT" {
		t.Fatalf("got %q", got)
	}
	if again := d.Get(now.Add(999 * time.Millisecond)); &again[0] != &got[0] || string(again) != "Sun, 06 Nov 1994 07:49:37 GMT" {
		t.Fatal("reformatted within the second")
	}
	if next := d.Get(now.Add(time.Second)); string(next) != "Sun, 06 Nov 1994 07:49:38 GMT" {
		t.Fatalf("next second: %q", next)
	}
	if epoch := d.Get(time.Unix(0, 0)); string(epoch) != "Thu, 01 Jan 1970 00:00:00 GMT" {
		t.Fatalf("epoch: %q", epoch)
	}
	if far := d.Get(time.Date(12345, 1, 1, 0, 0, 0, 0, time.UTC)); len(far) != len(imfFixdate) {
		t.Fatalf("far future: %q", far)
	}
}
