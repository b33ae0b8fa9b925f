package http1

import "testing"

// expectHead is a request head that asks for 100-continue before a 5-byte
// body.
const expectHead = post11 + "Expect: 100-continue\r\nContent-Length: 5\r\n\r\n"

func TestContinueOwedOnce(t *testing.T) {
	p, r := NewParser(Limits{}), new(Request)
	if p.TakeContinue() {
		t.Fatal("continue before any input")
	}
	n, err := p.Parse([]byte(expectHead), r)
	if n != 0 || err != nil {
		t.Fatalf("n=%d err=%v", n, err)
	}
	if !r.Expect100 || string(r.Header("expect")) != "100-continue" {
		t.Fatal("head not filled while the body is pending")
	}
	if !p.TakeContinue() {
		t.Fatal("want continue once the head is complete")
	}
	if p.TakeContinue() {
		t.Fatal("continue twice")
	}
	if n, _ := p.Parse([]byte(expectHead+"he"), r); n != 0 || p.TakeContinue() {
		t.Fatal("continue again after more body")
	}
	in := []byte(expectHead + "hello")
	if n, _ := p.Parse(in, r); n != len(in) || string(r.Body) != "hello" || p.TakeContinue() {
		t.Fatalf("complete: n=%d body=%q", n, r.Body)
	}
}

// TestContinueNotOwed: no 100 when the body is already here, when there is
// no body, when nobody asked, or after an error.
func TestContinueNotOwed(t *testing.T) {
	for _, in := range []string{
		expectHead + "hello",
		post11 + "Expect: 100-continue\r\nContent-Length: 0\r\n\r\n",
		get11 + "Expect: 100-continue\r\n\r\n",
		post11 + "Content-Length: 5\r\n\r\n",
		"POST / HTTP/1.0\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\n",
		post11 + "Expect: 100-continue\r\nContent-Length: 5000000\r\n\r\n",
	} {
		p := NewParser(Limits{})
		p.Parse([]byte(in), new(Request))
		if p.TakeContinue() {
			t.Errorf("continue for %q", in)
		}
	}
}

// TestContinueBytewise: arriving one byte at a time, the 100 is owed exactly
// once, from the call that completes the head.
func TestContinueBytewise(t *testing.T) {
	for _, in := range []string{
		expectHead + "hello",
		post11 + "Expect: 100-continue\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n",
	} {
		p, r := NewParser(Limits{}), new(Request)
		taken := 0
		for k := 1; k <= len(in); k++ {
			n, err := p.Parse([]byte(in[:k]), r)
			if err != nil {
				t.Fatal(err)
			}
			if p.TakeContinue() {
				taken++
				if r.Method == nil {
					t.Fatalf("continue at %d before the head", k)
				}
			}
			if n > 0 && k != len(in) {
				t.Fatalf("complete at %d", k)
			}
		}
		if taken != 1 {
			t.Fatalf("%q: continue %d times", in, taken)
		}
	}
}
