package http1

// The request line, RFC 9112 §3: method SP request-target SP HTTP-version
// CRLF. It is scanned byte by byte so that each limit trips at the first
// byte beyond it, whether or not the line end has arrived.

const (
	// maxEmptyLineBytes bounds the empty lines tolerated before a request
	// line (RFC 9112 §2.2 asks for at least one); beyond it the peer is
	// sending noise.
	maxEmptyLineBytes = 64
	// maxMethodBytes is longer than any method the server knows, so a
	// longer token is an unknown method.
	maxMethodBytes = 32
)

// skipEmptyLines passes empty lines (CRLF) before the request line. A bare
// LF is a 400 here too (see nextLine).
func (p *Parser) skipEmptyLines(buf []byte) (bool, *Error) {
	for p.pos < len(buf) {
		switch buf[p.pos] {
		case '\n':
			return false, errBareLF
		case '\r':
			if p.pos+1 == len(buf) {
				return false, nil // the LF may follow
			}
			if buf[p.pos+1] != '\n' {
				return false, errBareCR
			}
			p.pos += 2
		default:
			p.mark = p.pos
			p.state = stMethod
			return true, nil
		}
		if p.pos > maxEmptyLineBytes {
			return false, errEmptyLines
		}
	}
	return false, nil
}

// scanMethod reads the method token up to its SP.
func (p *Parser) scanMethod(buf []byte) (bool, *Error) {
	for ; p.pos < len(buf); p.pos++ {
		c := buf[p.pos]
		if c == ' ' {
			return p.endMethod(buf)
		}
		if !isToken(c) {
			return false, errMethod
		}
		if p.pos+1-p.mark > maxMethodBytes {
			return false, errMethodUnknown
		}
	}
	return false, nil
}

func (p *Parser) endMethod(buf []byte) (bool, *Error) {
	p.method = span{p.mark, p.pos}
	if p.method.off == p.method.end {
		return false, errMethod
	}
	if !knownMethod(p.method.of(buf)) {
		return false, errMethodUnknown
	}
	p.pos++
	p.mark = p.pos
	p.state = stTarget
	return true, nil
}

// knownMethod reports the methods of RFC 9110 and PATCH. Methods are case
// sensitive: "get" is a valid token but an unknown method.
func knownMethod(m []byte) bool {
	switch string(m) { // the compiler does not allocate for this conversion
	case "GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH":
		return true
	}
	return false
}

// scanTarget reads the request target up to its SP. Any form (origin,
// absolute, authority, asterisk) passes; the app interprets it.
func (p *Parser) scanTarget(buf []byte) (bool, *Error) {
	for ; p.pos < len(buf); p.pos++ {
		c := buf[p.pos]
		if c == ' ' {
			return p.endTarget()
		}
		if classes[c]&classTarget == 0 {
			return false, errTarget
		}
		if p.pos+1-p.mark > p.lim.MaxTargetBytes {
			return false, errTargetLong
		}
	}
	return false, nil
}

func (p *Parser) endTarget() (bool, *Error) {
	p.target = span{p.mark, p.pos}
	if p.target.off == p.target.end {
		return false, errTarget
	}
	p.pos++
	p.mark = p.pos
	p.state = stVersion
	return true, nil
}

// scanVersion matches "HTTP/" DIGIT "." DIGIT and the line end (CRLF, or
// LF alone: RFC 9112 §2.2 lets a recipient accept it).
func (p *Parser) scanVersion(buf []byte) (bool, *Error) {
	const name = "HTTP/"
	if p.usualVersion(buf) {
		return true, nil
	}
	for ; p.pos < len(buf); p.pos++ {
		c, i := buf[p.pos], p.pos-p.mark
		switch {
		case i < len(name):
			if c != name[i] {
				return false, errVersion
			}
		case i == 5:
			if !isDigit(c) {
				return false, errVersion
			}
			p.major = int(c - '0')
		case i == 6:
			if c != '.' {
				return false, errVersion
			}
		case i == 7:
			if err := p.setMinor(c); err != nil {
				return false, err
			}
		case i == 9 && c == '\n':
			p.pos++
			p.startFields()
			return true, nil
		case i == 8 && c == '\r':
		case i == 8 && c == '\n':
			return false, errBareLF
		case i == 8:
			return false, errVersion
		default:
			return false, errBareCR
		}
	}
	return false, nil
}

// usualVersion takes "HTTP/1.1" CRLF in one comparison when it is all
// there: nearly every request ends its line so.
func (p *Parser) usualVersion(buf []byte) bool {
	const usual = "HTTP/1.1\r\n"
	if p.pos != p.mark || len(buf)-p.pos < len(usual) || string(buf[p.pos:p.pos+len(usual)]) != usual {
		return false
	}
	p.major, p.minor = 1, 1
	p.pos += len(usual)
	p.startFields()
	return true
}

// setMinor accepts HTTP/1.x. A minor above 1 is answered as 1.1, the
// highest this server speaks (RFC 9110 §6.2); another major is a 505.
func (p *Parser) setMinor(c byte) *Error {
	if !isDigit(c) {
		return errVersion
	}
	if p.major != 1 {
		return errVersionMajor
	}
	p.minor = min(int(c-'0'), 1)
	return nil
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

func (p *Parser) startFields() {
	p.headStart = p.pos
	p.mark = p.pos
	p.state = stFields
}
