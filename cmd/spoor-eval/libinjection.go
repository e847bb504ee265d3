package main

import (
	"bufio"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/spoorhq/spoor/engine"
)

// payloadLists reads the libinjection data files matching pattern: one
// URL-encoded input per line, blank lines and '#' comments skipped. The
// html5sec list prefixes each line with "test N ".
func payloadLists(dir, pattern string) ([]string, error) {
	files, err := filepath.Glob(filepath.Join(dir, pattern))
	if err != nil {
		return nil, err
	}
	sort.Strings(files)
	var lines []string
	for _, f := range files {
		fh, err := os.Open(f)
		if err != nil {
			return nil, err
		}
		sc := bufio.NewScanner(fh)
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		html5sec := strings.Contains(filepath.Base(f), "html5sec")
		for sc.Scan() {
			l := strings.TrimRight(sc.Text(), "\r")
			if l == "" || l[0] == '#' {
				continue
			}
			if html5sec {
				l = strings.TrimPrefix(l, "test ")
				if _, rest, ok := strings.Cut(l, " "); ok {
					l = rest
				}
			}
			lines = append(lines, l)
		}
		err = sc.Err()
		fh.Close()
		if err != nil {
			return nil, err
		}
	}
	return lines, nil
}

// queryExchanges wraps each payload as the value of a query parameter,
// as the libinjection harness does: GET /search?q=<payload>.
func queryExchanges(payloads []string) []*engine.Exchange {
	xs := make([]*engine.Exchange, len(payloads))
	for i, p := range payloads {
		xs[i] = &engine.Exchange{
			Method:   "GET",
			Host:     "localhost",
			Path:     "/search",
			Query:    "q=" + escapeTarget(p),
			ClientIP: "192.0.2.10",
			ReqHeaders: []engine.Header{
				{Name: "Host", Value: "localhost"},
				{Name: "User-Agent", Value: "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"},
				{Name: "Accept", Value: "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"},
			},
		}
	}
	return xs
}

// escapeTarget percent-encodes the bytes a client cannot send raw in a
// request target (white space, control bytes, '#', non-ASCII), leaving the
// payload's own escapes alone, as a browser or curl would send the line.
func escapeTarget(s string) string {
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c <= ' ' || c >= 0x7f || c == '#' || c == '"' || c == '<' || c == '>' || c == '`' || c == '{' || c == '}' || c == '|' || c == '\\' || c == '^' {
			b.WriteByte('%')
			b.WriteByte(hex[c>>4])
			b.WriteByte(hex[c&15])
			continue
		}
		b.WriteByte(c)
	}
	return b.String()
}
