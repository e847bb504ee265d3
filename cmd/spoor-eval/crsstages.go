package main

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"sort"
	"strconv"
	"strings"

	"github.com/spoorhq/spoor/engine"
)

// stage is one OWASP CRS regression test stage (go-ftw format, one JSON
// object per line): a request and the rule ids that must or must not
// fire.
type stage struct {
	File           string                     `json:"file"`
	Category       string                     `json:"category"`
	RuleID         int                        `json:"rule_id"`
	RuleMsg        string                     `json:"rule_msg"`
	Paranoia       int                        `json:"paranoia_level"`
	TestID         int                        `json:"test_id"`
	Stage          int                        `json:"stage"`
	Method         string                     `json:"method"`
	URI            string                     `json:"uri"`
	Headers        map[string]json.RawMessage `json:"headers"`
	Data           *string                    `json:"data"`
	EncodedRequest *string                    `json:"encoded_request"`
	ExpectIDs      []int                      `json:"expect_ids"`
	NoExpectIDs    []int                      `json:"no_expect_ids"`
}

// readStages reads the gzipped JSON lines file.
func readStages(path string) ([]stage, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	var stages []stage
	sc := bufio.NewScanner(zr)
	sc.Buffer(make([]byte, 1<<20), 16<<20)
	for n := 1; sc.Scan(); n++ {
		var s stage
		if err := json.Unmarshal(sc.Bytes(), &s); err != nil {
			return nil, fmt.Errorf("%s:%d: %w", path, n, err)
		}
		stages = append(stages, s)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	return stages, nil
}

// family is an attack family of the CRS rule files, and the spoor types
// that count as tagging it.
type family struct {
	name  string
	types []string
}

// stageFamily maps a stage to its family by the rule file it tests (the
// hundreds of its rule id) and, for the generic file 934, by the rule's
// message.
func stageFamily(s stage) family {
	switch s.RuleID / 1000 {
	case 942:
		return family{"sqli (942)", []string{engine.AttackSQLi, engine.AttackNoSQLi}}
	case 941:
		return family{"xss (941)", []string{engine.AttackXSS}}
	case 930:
		return family{"path_traversal/lfi (930)", []string{engine.AttackPathTraversal, engine.AttackLFI}}
	case 932:
		return family{"cmd_injection (932)", []string{engine.AttackCmdInjection}}
	case 931:
		return family{"rfi (931)", []string{engine.AttackRFI}}
	case 933:
		return family{"php → code_injection (933)", []string{engine.AttackCodeInjection}}
	case 934:
		switch msg := strings.ToLower(s.RuleMsg); {
		case strings.Contains(msg, "ssrf") || strings.Contains(msg, "server side request forgery") || strings.Contains(msg, "data scheme"):
			return family{"ssrf (934)", []string{engine.AttackSSRF}}
		case strings.Contains(msg, "ssti"):
			return family{"ssti (934)", []string{engine.AttackSSTI}}
		}
		return family{"generic (934)", []string{engine.AttackGeneric}}
	case 943:
		return family{"session_fixation (943)", []string{engine.AttackSessionFixation}}
	case 944:
		return family{"java → code_injection (944)", []string{engine.AttackCodeInjection}}
	case 913:
		return family{"scanner (913)", []string{engine.AttackScanner}}
	case 911, 920, 921, 922:
		return family{"protocol (911/920-922)", []string{engine.AttackProtocol, engine.AttackCRLF}}
	}
	return family{}
}

// stageExchange builds the exchange capture would have made of the stage's
// request: the path decoded once, the query as sent, the headers in a
// stable order.
func stageExchange(s stage) (*engine.Exchange, error) {
	if s.EncodedRequest != nil && *s.EncodedRequest != "" {
		raw, err := base64.StdEncoding.DecodeString(*s.EncodedRequest)
		if err != nil {
			return nil, fmt.Errorf("%s test %d: encoded request: %w", s.File, s.TestID, err)
		}
		return rawExchange(raw), nil
	}
	method := s.Method
	if method == "" {
		method = "GET"
	}
	target := s.URI
	if target == "" {
		target = "/"
	}
	x := newExchange(method, target)
	names := make([]string, 0, len(s.Headers))
	for name := range s.Headers {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		value := headerText(s.Headers[name])
		x.ReqHeaders = append(x.ReqHeaders, engine.Header{Name: name, Value: value})
		if strings.EqualFold(name, "Host") {
			x.Host = value
		}
	}
	if s.Data != nil {
		x.ReqBody = engine.Body{Data: []byte(*s.Data), Size: int64(len(*s.Data))}
		// go-ftw completes a request with a body with its Content-Length,
		// as any client does and as capture records it.
		if x.ReqHeader("Content-Length") == "" && x.ReqHeader("Transfer-Encoding") == "" {
			x.ReqHeaders = append(x.ReqHeaders, engine.Header{Name: "Content-Length", Value: strconv.Itoa(len(*s.Data))})
		}
	}
	return x, nil
}

// newExchange returns an exchange for a request line's method and target.
// An absolute target loses its scheme and authority, as a proxy would
// read it.
func newExchange(method, target string) *engine.Exchange {
	if i := strings.Index(target, "://"); i > 0 && !strings.ContainsAny(target[:i], "/?") {
		rest := target[i+3:]
		if j := strings.IndexAny(rest, "/?"); j >= 0 {
			target = rest[j:]
		} else {
			target = "/"
		}
	}
	path, query, _ := strings.Cut(target, "?")
	if p, err := url.PathUnescape(path); err == nil {
		path = p
	}
	return &engine.Exchange{Method: method, Path: path, Query: query, ClientIP: "192.0.2.10"}
}

// rawExchange parses a raw HTTP/1 request leniently: the regression tests
// that send one do so because it is malformed on purpose.
func rawExchange(raw []byte) *engine.Exchange {
	head, body, _ := bytes.Cut(raw, []byte("\r\n\r\n"))
	lines := strings.Split(string(head), "\r\n")
	fields := strings.Fields(lines[0])
	method, target := "GET", "/"
	if len(fields) > 0 {
		method = fields[0]
	}
	if len(fields) > 1 {
		target = fields[1]
	}
	x := newExchange(method, target)
	for _, l := range lines[1:] {
		name, value, ok := strings.Cut(l, ":")
		if !ok {
			continue
		}
		value = strings.TrimSpace(value)
		x.ReqHeaders = append(x.ReqHeaders, engine.Header{Name: name, Value: value})
		if strings.EqualFold(name, "Host") {
			x.Host = value
		}
	}
	if len(body) > 0 {
		x.ReqBody = engine.Body{Data: body, Size: int64(len(body))}
	}
	return x
}

// headerText returns a header value from the YAML-born JSON, where a
// number ("Content-Length: 4") arrives unquoted.
func headerText(raw json.RawMessage) string {
	var s string
	if err := json.Unmarshal(raw, &s); err == nil {
		return s
	}
	if string(raw) == "null" {
		return ""
	}
	return string(raw)
}
