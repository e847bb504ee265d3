package importer

import (
	"bytes"
	"errors"
	"fmt"
	"strconv"

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
	x := &engine.Exchange{Start: start, ClientIP: string(ip)}
	if err := setRequestLine(x, unescapeLog(request)); err != nil {
		return nil, err
	}
	if x.Status, err = parseStatus(status); err != nil {
		return nil, err
	}
	if x.RespBody.Size, err = parseBytes(bytesSent); err != nil {
		return nil, err
	}
	if referer, ok := p.quoted(); ok {
		x.ReqHeaders = addHeader(x.ReqHeaders, "Referer", unescapeLog(referer))
		if ua, ok := p.quoted(); ok {
			x.ReqHeaders = addHeader(x.ReqHeaders, "User-Agent", unescapeLog(ua))
		}
	}
	return x, nil
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
// start, or -1.
func closingQuote(b []byte, start int) int {
	for i := start; i < len(b); i++ {
		switch b[i] {
		case '\\':
			i++
		case '"':
			return i
		}
	}
	return -1
}
