package http1

// Chunk extensions, RFC 9112 §7.1.1:
//
//	chunk-ext      = *( BWS ";" BWS chunk-ext-name [ BWS "=" BWS chunk-ext-val ] )
//	chunk-ext-name = token
//	chunk-ext-val  = token / quoted-string
//
// The server ignores extensions, but it checks their syntax exactly: a
// front end that reads a malformed extension differently (where an unclosed
// quote ends, what a stray byte means) sees other chunk boundaries, and a
// lenient back end is the other half of that desync.

// checkChunkExt accepts b when it is a well-formed chunk-ext (possibly empty).
func checkChunkExt(b []byte) bool {
	i := 0
	for i < len(b) {
		i = skipBWS(b, i)
		if i == len(b) || b[i] != ';' {
			return false
		}
		i = skipBWS(b, i+1)
		name := scanToken(b, i)
		if name == i {
			return false
		}
		i = name
		j := skipBWS(b, i)
		if j == len(b) || b[j] != '=' {
			continue // no value: the next BWS must lead to ";", or nothing may follow
		}
		end, ok := scanExtValue(b, skipBWS(b, j+1))
		if !ok {
			return false
		}
		i = end
	}
	return true
}

// skipBWS returns the index of the first byte at or after i that is not SP or HTAB.
func skipBWS(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\t') {
		i++
	}
	return i
}

// scanToken returns the end of the token starting at i (i itself when there is none).
func scanToken(b []byte, i int) int {
	for i < len(b) && isToken(b[i]) {
		i++
	}
	return i
}

// scanExtValue reads a token or a closed quoted-string at i.
func scanExtValue(b []byte, i int) (int, bool) {
	if i < len(b) && b[i] == '"' {
		return scanQuoted(b, i+1)
	}
	end := scanToken(b, i)
	return end, end > i
}

// scanQuoted reads the rest of a quoted-string after its opening DQUOTE:
// qdtext and quoted-pairs up to the closing DQUOTE, which must be there.
func scanQuoted(b []byte, i int) (int, bool) {
	for i < len(b) {
		switch c := b[i]; {
		case c == '"':
			return i + 1, true
		case c == '\\':
			if i+1 == len(b) || !isQuotedPairByte(b[i+1]) {
				return 0, false
			}
			i += 2
		case isQdtext(c):
			i++
		default:
			return 0, false
		}
	}
	return 0, false // unclosed
}

// isQdtext: HTAB, SP, VCHAR except DQUOTE and backslash, obs-text.
func isQdtext(c byte) bool {
	return c == '\t' || c == ' ' || c == 0x21 || (0x23 <= c && c <= 0x5b) ||
		(0x5d <= c && c <= 0x7e) || c >= 0x80
}

// isQuotedPairByte: HTAB, SP, VCHAR, obs-text.
func isQuotedPairByte(c byte) bool {
	return c == '\t' || c == ' ' || (0x21 <= c && c <= 0x7e) || c >= 0x80
}
