package loadmode

import "testing"

func TestParse(t *testing.T) {
	for in, want := range map[string]Mode{
		"keepalive": {Kind: KeepAlive}, "": {Kind: KeepAlive}, "close": {Kind: Close},
		"pipeline=16": {Kind: Pipeline, Depth: 16}, "pipeline=1024": {Kind: Pipeline, Depth: 1024},
	} {
		got, err := Parse(in)
		if err != nil || got != want {
			t.Errorf("Parse(%q) = %v, %v", in, got, err)
		}
		if in != "" && got.String() != in {
			t.Errorf("Parse(%q).String() = %q", in, got.String())
		}
	}
	for _, bad := range []string{"pipeline", "pipeline=0", "pipeline=1025", "pipeline=x", "http2", "Close", "pipeline=-1"} {
		if _, err := Parse(bad); err == nil {
			t.Errorf("Parse(%q) accepted", bad)
		}
	}
}

func TestInFlightAndValidate(t *testing.T) {
	if (Mode{}).InFlight() != 1 || (Mode{Kind: Close, Depth: 9}).InFlight() != 1 || (Mode{Kind: Pipeline, Depth: 8}).InFlight() != 8 {
		t.Error("InFlight")
	}
	if !(Mode{Kind: Close}).Closes() || (Mode{}).Closes() {
		t.Error("Closes")
	}
	for _, bad := range []Mode{{Kind: Pipeline}, {Kind: Pipeline, Depth: DepthMax + 1}, {Kind: 7}} {
		if bad.Validate() == nil {
			t.Errorf("%v validated", bad)
		}
	}
}
