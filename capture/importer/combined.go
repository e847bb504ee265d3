package importer

import (
	"bytes"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/spoorhq/spoor/engine"
)

// ParseCombinedLine parses one line of the combined log format
//
//	%h %l %u %t "%r" %>s %b "%{Referer}i" "%{User-Agent}i"
//
// or of the common log format, which stops after %b. Fields a server adds
// after the user agent are ignored. A log has no response headers or
// bodies: the exchange holds the client address, time, request line,
// status, response size, and the Referer and User-Agent headers.
func ParseCombinedLine(line []byte) (*engine.Exchange, error) {
	p := lineScanner{b: line}
	ip := p.word()
	p.word() // identd, always "-" in practice
	if ip == nil || p.done() {
		return nil, errors.New("not a combined or common log line: too few fields")
	}
	// The user may hold spaces; the time is the first bracket after it.
	open := bytes.IndexByte(p.b[p.i:], '[')
	if open < 0 {
		return nil, errors.New("no [time] field")
	}
	p.i += open + 1
	end := bytes.IndexByte(p.b[p.i:], ']')
	if end < 0 {
		return nil, errors.New("unterminated [time] field")
	}
	start, err := parseCLFTime(p.b[p.i : p.i+end])
	if err != nil {
		return nil, err
	}
	p.i += end + 1
	p.space()
	request, ok := p.quoted()
	if !ok {
		return nil, errors.New(`no quoted "request" field`)
	}
	status, bytesSent := p.word(), p.word()
	rawReferer, hasReferer := p.quoted()
	var rawUA []byte
	if hasReferer {
		rawUA, _ = p.quoted()
	}
	// The fields become strings two at a time, each pair one allocation:
	// the address with the user agent, which sessions keep, and the
	// request line with the referer, which they do not. A string per
	// field cost an allocation each; one string for the whole line would
	// keep all of it alive for as long as a session remembers an address.
	clientIP, ua := joinPair(field{b: ip}, field{b: rawUA, quoted: true})
	requestLine, referer := joinPair(field{b: request, quoted: true}, field{b: rawReferer, quoted: true})
	x := &engine.Exchange{Start: start, ClientIP: clientIP}
	if err := setRequestLine(x, requestLine); err != nil {
		return nil, err
	}
	if x.Status, err = parseStatus(status); err != nil {
		return nil, err
	}
	if x.RespBody.Size, err = parseBytes(bytesSent); err != nil {
		return nil, err
	}
	x.ReqHeaders = requestHeaders(referer, ua)
	return x, nil
}

// field is a piece of a line that becomes a string; a quoted field is
// unescaped on the way.
type field struct {
	b      []byte
	quoted bool
}

// joinPair copies two fields into one new string and returns each as a
// slice of it: one allocation where there were two.
func joinPair(a, b field) (string, string) {
	var sb strings.Builder
	sb.Grow(len(a.b) + len(b.b)) // unescaping only shortens
	a.writeTo(&sb)
	mid := sb.Len()
	b.writeTo(&sb)
	s := sb.String()
	return s[:mid], s[mid:]
}

func (f field) writeTo(sb *strings.Builder) {
	// Most fields hold no escapes: copy them straight in.
	if !f.quoted || bytes.IndexByte(f.b, '\\') < 0 {
		sb.Write(f.b)
		return
	}
	var buf [256]byte
	sb.Write(appendUnescaped(buf[:0], f.b))
}

// requestHeaders returns the Referer and User-Agent headers a line holds,
// in a slice of the right size.
func requestHeaders(referer, ua string) []engine.Header {
	n := 0
	for _, v := range [...]string{referer, ua} {
		if hasHeader(v) {
			n++
		}
	}
	if n == 0 {
		return nil
	}
	hs := make([]engine.Header, 0, n)
	hs = addHeader(hs, "Referer", referer)
	return addHeader(hs, "User-Agent", ua)
}

// parseStatus reads a three-digit status code.
func parseStatus(b []byte) (int, error) {
	if len(b) != 3 {
		return 0, fmt.Errorf("malformed status %s", quoteShort(b))
	}
	n, err := strconv.Atoi(string(b))
	if err != nil || n < 100 {
		return 0, fmt.Errorf("malformed status %s", quoteShort(b))
	}
	return n, nil
}

// parseBytes reads a byte count, where "-" means none was sent.
func parseBytes(b []byte) (int64, error) {
	if len(b) == 0 || string(b) == "-" {
		return 0, nil
	}
	n, err := strconv.ParseInt(string(b), 10, 64)
	if err != nil || n < 0 {
		return 0, fmt.Errorf("malformed byte count %s", quoteShort(b))
	}
	return n, nil
}

// lineScanner walks a log line field by field.
type lineScanner struct {
	b []byte
	i int
}

func (p *lineScanner) done() bool { return p.i >= len(p.b) }

func (p *lineScanner) space() {
	for p.i < len(p.b) && p.b[p.i] == ' ' {
		p.i++
	}
}

// word returns the next space-separated field, nil at the end.
func (p *lineScanner) word() []byte {
	p.space()
	if p.done() {
		return nil
	}
	start := p.i
	for p.i < len(p.b) && p.b[p.i] != ' ' {
		p.i++
	}
	return p.b[start:p.i]
}

// quoted returns the content of the next "..." field, still escaped, and
// whether there was one.
func (p *lineScanner) quoted() ([]byte, bool) {
	p.space()
	if p.done() || p.b[p.i] != '"' {
		return nil, false
	}
	start := p.i + 1
	end := closingQuote(p.b, start)
	if end < 0 {
		return nil, false
	}
	p.i = end + 1
	return p.b[start:end], true
}

// closingQuote returns the index of the first unescaped '"' at or after
// start, or -1. It finds quotes and backslashes with bytes.IndexByte,
// which reads many bytes at a time, rather than looking at every byte:
// quoted fields are most of a log line. Each byte is searched at most
// twice, however many backslashes there are.
func closingQuote(b []byte, start int) int {
	i, quote := start, -1
	for {
		if quote < i {
			if quote = bytes.IndexByte(b[i:], '"'); quote < 0 {
				return -1
			}
			quote += i
		}
		esc := bytes.IndexByte(b[i:quote], '\\')
		if esc < 0 {
			return quote
		}
		i += esc + 2 // past the backslash and the byte it escapes
	}
}
