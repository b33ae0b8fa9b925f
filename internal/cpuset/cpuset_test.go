package cpuset

import "testing"

func TestParseAndString(t *testing.T) {
	for in, want := range map[string]string{"0": "0", "1-3": "1-3", "0,2-3": "0,2-3", " 3 , 1": "1,3", "0-1,1": "0-1"} {
		s, err := Parse(in)
		if err != nil {
			t.Fatalf("Parse(%q): %v", in, err)
		}
		if got := s.String(); got != want {
			t.Errorf("Parse(%q).String() = %q, want %q", in, got, want)
		}
	}
	for _, bad := range []string{"", "a", "3-1", "-1", "0,,1", "5000"} {
		if _, err := Parse(bad); err == nil {
			t.Errorf("Parse(%q) accepted a bad list", bad)
		}
	}
}

func TestPinProcessRejectsUnavailableCPU(t *testing.T) {
	s, _ := Parse("1023")
	if err := PinProcess(s); err == nil {
		t.Fatal("pinning to a cpu this machine lacks succeeded")
	}
}
