package http1

// Byte classes of RFC 9110/9112 as read-only lookup tables: one indexed load
// per byte is what keeps the scanner cheap.

// byteClass is a bit set of the classes a byte belongs to.
type byteClass uint8

const (
	classToken  byteClass = 1 << iota // tchar: method and field-name bytes
	classTarget                       // request-target: visible ASCII and obs-text
	classValue                        // field-vchar, SP, HTAB: field-value bytes
	classHost                         // reg-name, IP-literal and port bytes
	classHex                          // HEXDIG of a chunk size
)

// classes maps every byte to its classes; built once at init and never
// written afterwards.
var classes = buildClasses()

func buildClasses() (t [256]byteClass) {
	for c := 0x21; c < 0x7f; c++ {
		t[c] |= classTarget | classValue
	}
	for c := 0x80; c < 0x100; c++ {
		t[c] |= classTarget | classValue // obs-text: passed through, never interpreted
	}
	t[' '] |= classValue
	t['\t'] |= classValue
	for _, c := range []byte("!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ") {
		t[c] |= classToken
	}
	for _, c := range []byte("!$%&'()*+,-.:;=[]_~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ") {
		t[c] |= classHost // the set net/http's httpguts.ValidHostHeader accepts
	}
	for _, c := range []byte("0123456789abcdefABCDEF") {
		t[c] |= classHex
	}
	return t
}

func isToken(c byte) bool { return classes[c]&classToken != 0 }

// allIn reports whether every byte of b is in class k.
func allIn(b []byte, k byteClass) bool {
	for _, c := range b {
		if classes[c]&k == 0 {
			return false
		}
	}
	return true
}

// equalFold reports whether b equals lower, ASCII case-insensitively.
// lower must be lower case.
func equalFold(b []byte, lower string) bool {
	if len(b) != len(lower) {
		return false
	}
	for i := range len(b) {
		if toLower(b[i]) != lower[i] {
			return false
		}
	}
	return true
}

// equalFoldString is equalFold for a name given by a caller in any case.
func equalFoldString(b []byte, s string) bool {
	if len(b) != len(s) {
		return false
	}
	for i := range len(b) {
		if toLower(b[i]) != toLower(s[i]) {
			return false
		}
	}
	return true
}

func toLower(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

// trimOWS removes optional whitespace (SP, HTAB) from both ends.
func trimOWS(b []byte) []byte {
	for len(b) > 0 && (b[0] == ' ' || b[0] == '\t') {
		b = b[1:]
	}
	for len(b) > 0 && (b[len(b)-1] == ' ' || b[len(b)-1] == '\t') {
		b = b[:len(b)-1]
	}
	return b
}

// nextElement splits a comma-separated list (RFC 9110 §5.6.1): it returns
// the first element with OWS trimmed, the rest after the comma, and whether
// there was a comma.
func nextElement(v []byte) (elem, rest []byte, more bool) {
	for i, c := range v {
		if c == ',' {
			return trimOWS(v[:i]), v[i+1:], true
		}
	}
	return trimOWS(v), nil, false
}
