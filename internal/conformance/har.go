package conformance

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/spoorhq/spoor/capture/importer"
	"github.com/spoorhq/spoor/engine"
)

// ExpectedFlow is the part of mitmproxy's expected parse result of a HAR
// entry (its *.expected-flows.json) that an exchange can be compared with.
type ExpectedFlow struct {
	Request struct {
		Method         string      `json:"method"`
		Scheme         string      `json:"scheme"`
		Host           string      `json:"host"`
		Port           int         `json:"port"`
		Path           string      `json:"path"`
		Headers        [][2]string `json:"headers"`
		ContentLength  int         `json:"contentLength"`
		ContentHash    string      `json:"contentHash"`
		TimestampStart float64     `json:"timestamp_start"`
		TimestampEnd   float64     `json:"timestamp_end"`
	} `json:"request"`
	Response struct {
		StatusCode    int         `json:"status_code"`
		Headers       [][2]string `json:"headers"`
		ContentLength int         `json:"contentLength"`
		ContentHash   string      `json:"contentHash"`
	} `json:"response"`
}

// HARResult is what CheckHAR covered and found.
type HARResult struct {
	Files, Exchanges int
	Problems         Problems
}

// CheckHAR imports every *.har file of dir, its format detected, and
// compares each exchange with the flows of the file's
// NAME.expected-flows.json beside it, in mitmproxy's format: method, URL,
// status, request and response headers, bodies (by length and SHA-256),
// start and end time. Problems are prefixed by the file's name and entry.
// An error means a file could not be read or imported at all.
func CheckHAR(dir string) (HARResult, error) {
	var res HARResult
	files, err := filepath.Glob(filepath.Join(dir, "*.har"))
	if err != nil {
		return res, fmt.Errorf("list HAR files: %w", err)
	}
	res.Files = len(files)
	for _, file := range files {
		name := strings.TrimSuffix(filepath.Base(file), ".har")
		want, err := ReadExpectedFlows(filepath.Join(dir, name+".expected-flows.json"))
		if err != nil {
			return res, err
		}
		got, st, err := importFile(file)
		if err != nil {
			return res, fmt.Errorf("%s: %w", name, err)
		}
		if st.Format != importer.FormatHAR || st.Bad != 0 {
			res.Problems.add(name, "stats %+v, want HAR without bad entries", st)
		}
		if len(got) != len(want) {
			res.Problems.add(name, "imported %d exchanges, want %d", len(got), len(want))
			continue
		}
		for i, w := range want {
			compareFlow(&res.Problems, fmt.Sprintf("%s entry %d", name, i+1), got[i], w)
		}
		res.Exchanges += len(got)
	}
	return res, nil
}

// ReadExpectedFlows reads a mitmproxy expected-flows file.
func ReadExpectedFlows(path string) ([]ExpectedFlow, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read expected flows: %w", err)
	}
	var flows []ExpectedFlow
	if err := json.Unmarshal(b, &flows); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return flows, nil
}

// importFile imports one file with the format detected.
func importFile(path string) ([]*engine.Exchange, importer.Stats, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, importer.Stats{}, fmt.Errorf("open import: %w", err)
	}
	defer f.Close()
	var got []*engine.Exchange
	st, err := importer.Import(context.Background(), f, importer.Options{}, func(x *engine.Exchange) error {
		got = append(got, x)
		return nil
	})
	return got, st, err
}

// compareFlow reports every difference between an imported exchange and a
// mitmproxy flow. mitmproxy adds a content-length header to a message that
// has none; that header is not part of the recording, so it is accepted as
// missing when its value is the body's length.
func compareFlow(p *Problems, where string, x *engine.Exchange, w ExpectedFlow) {
	req := w.Request
	if x.Method != req.Method {
		p.add(where, "method %q, want %q", x.Method, req.Method)
	}
	wantURL := req.Scheme + "://" + req.Host
	if !(req.Scheme == "https" && req.Port == 443 || req.Scheme == "http" && req.Port == 80) {
		wantURL += ":" + strconv.Itoa(req.Port)
	}
	// mitmproxy's path is the target as sent; spoor stores the path
	// decoded (engine.DecodePath) and the query raw.
	path, query, _ := strings.Cut(req.Path, "?")
	wantURL += (&engine.Exchange{Path: engine.DecodePath(path), Query: query}).Target()
	if got := x.Scheme + "://" + x.Host + x.Target(); got != wantURL {
		p.add(where, "URL %q, want %q", got, wantURL)
	}
	if x.Status != w.Response.StatusCode {
		p.add(where, "status %d, want %d", x.Status, w.Response.StatusCode)
	}
	compareHeaders(p, where+" request", x.ReqHeaders, req.Headers, len(x.ReqBody.Data))
	compareHeaders(p, where+" response", x.RespHeaders, w.Response.Headers, len(x.RespBody.Data))
	compareBody(p, where+" request", x.ReqBody.Data, req.ContentLength, req.ContentHash)
	compareBody(p, where+" response", x.RespBody.Data, w.Response.ContentLength, w.Response.ContentHash)
	if d := math.Abs(float64(x.Start.UnixNano())/1e9 - req.TimestampStart); d > 1e-6 {
		p.add(where, "start %v, want %f (off by %fs)", x.Start, req.TimestampStart, d)
	}
	if d := math.Abs(float64(x.End().UnixNano())/1e9 - req.TimestampEnd); d > 1e-6 {
		p.add(where, "end %v, want %f (off by %fs)", x.End(), req.TimestampEnd, d)
	}
}

func compareHeaders(p *Problems, where string, got []engine.Header, want [][2]string, bodyLen int) {
	if n := len(want); n == len(got)+1 && strings.EqualFold(want[n-1][0], "content-length") && want[n-1][1] == strconv.Itoa(bodyLen) {
		want = want[:n-1]
	}
	if len(got) != len(want) {
		p.add(where, "%d headers, want %d", len(got), len(want))
		return
	}
	for i, h := range want {
		if got[i].Name != h[0] || got[i].Value != h[1] {
			p.add(where, "header %d = %s: %q, want %s: %q", i, got[i].Name, got[i].Value, h[0], h[1])
		}
	}
}

func compareBody(p *Problems, where string, data []byte, wantLen int, wantHash string) {
	sum := sha256.Sum256(data)
	if len(data) != wantLen || hex.EncodeToString(sum[:]) != wantHash {
		p.add(where, "body: %d bytes with sha256 %x, want %d bytes with %.8s", len(data), sum[:4], wantLen, wantHash)
	}
}
