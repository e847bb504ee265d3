package main

import (
	"bufio"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/spoorhq/spoor/engine"
)

// logLine is one request of an Apache combined-format access log.
type logLine struct {
	ip, method, target, referer, agent string
	raw                                string
}

var errNotCombined = errors.New("not a combined-format line")

// parseCombined parses `IP ident user [time] "METHOD TARGET PROTO" status
// size "referer" "agent"`. Quoted fields may hold escaped quotes (\").
func parseCombined(line string) (logLine, error) {
	l := logLine{raw: line}
	var ok bool
	l.ip, line, ok = strings.Cut(line, " ")
	if !ok || l.ip == "" {
		return l, errNotCombined
	}
	if i := strings.Index(line, "] \""); i >= 0 {
		line = line[i+2:]
	} else {
		return l, errNotCombined
	}
	req, line, ok := quoted(line)
	if !ok {
		return l, errNotCombined
	}
	parts := strings.Fields(req)
	if len(parts) < 2 {
		return l, errNotCombined
	}
	l.method, l.target = parts[0], parts[1]
	// Status and size, then the two quoted fields.
	if i := strings.IndexByte(line, '"'); i >= 0 {
		if l.referer, line, ok = quoted(line[i:]); ok {
			if i := strings.IndexByte(line, '"'); i >= 0 {
				l.agent, _, _ = quoted(line[i:])
			}
		}
	}
	return l, nil
}

// quoted reads the quoted field at the start of s and returns its text and
// what follows it.
func quoted(s string) (field, rest string, ok bool) {
	if !strings.HasPrefix(s, "\"") {
		return "", s, false
	}
	var b strings.Builder
	for i := 1; i < len(s); i++ {
		switch c := s[i]; {
		case c == '\\' && i+1 < len(s):
			i++
			b.WriteByte(s[i])
		case c == '"':
			return b.String(), s[i+1:], true
		default:
			b.WriteByte(c)
		}
	}
	return "", s, false
}

// readAccessLog reads every line of a gzipped combined log; lines that do
// not parse are counted, not fatal.
func readAccessLog(path string) (lines []logLine, bad int, err error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, 0, err
	}
	defer f.Close()
	var r io.Reader = f
	if strings.HasSuffix(path, ".gz") {
		zr, err := gzip.NewReader(f)
		if err != nil {
			return nil, 0, fmt.Errorf("read %s: %w", path, err)
		}
		r = zr
	}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		l, err := parseCombined(sc.Text())
		if err != nil {
			bad++
			continue
		}
		lines = append(lines, l)
	}
	if err := sc.Err(); err != nil {
		return nil, 0, fmt.Errorf("read %s: %w", path, err)
	}
	return lines, bad, nil
}

// logExchange builds the exchange an import would make of a log line. The
// log has no Host, so the exchange has none either.
func logExchange(l logLine) *engine.Exchange {
	x := newExchange(l.method, l.target)
	x.ClientIP = l.ip
	if l.agent != "" && l.agent != "-" {
		x.ReqHeaders = append(x.ReqHeaders, engine.Header{Name: "User-Agent", Value: l.agent})
	}
	if l.referer != "" && l.referer != "-" {
		x.ReqHeaders = append(x.ReqHeaders, engine.Header{Name: "Referer", Value: l.referer})
	}
	return x
}
