package main

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

// expectedFlow is the part of mitmproxy's expected parse result that an
// exchange can be compared with.
type expectedFlow struct {
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

// checkHAR imports every HAR file of mitmproxy's importer tests and
// compares each exchange with the flow mitmproxy's own importer produces:
// method, URL, status, request and response headers, bodies (by length and
// SHA-256), start and end time.
func checkHAR(dir string, r *report) error {
	dir = filepath.Join(dir, "har-mitmproxy")
	files, err := filepath.Glob(filepath.Join(dir, "*.har"))
	if err != nil {
		return err
	}
	if len(files) < 6 {
		return fmt.Errorf("found %d HAR files in %s, want the 6 of the corpus", len(files), dir)
	}
	exchanges := 0
	for _, file := range files {
		name := strings.TrimSuffix(filepath.Base(file), ".har")
		want, err := readExpectedFlows(filepath.Join(dir, name+".expected-flows.json"))
		if err != nil {
			return err
		}
		got, st, err := importFile(file)
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		if st.Format != importer.FormatHAR || st.Bad != 0 {
			r.errorf("%s: stats %+v, want HAR without bad entries", name, st)
		}
		if len(got) != len(want) {
			r.errorf("%s: imported %d exchanges, want %d", name, len(got), len(want))
			continue
		}
		for i, w := range want {
			compareFlow(r, fmt.Sprintf("%s entry %d", name, i+1), got[i], w)
		}
		exchanges += len(got)
	}
	r.summary = fmt.Sprintf("%d HAR files, %d exchanges compared with mitmproxy's parse", len(files), exchanges)
	return nil
}

func readExpectedFlows(path string) ([]expectedFlow, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var flows []expectedFlow
	if err := json.Unmarshal(b, &flows); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return flows, nil
}

// importFile imports one file with the format detected.
func importFile(path string) ([]*engine.Exchange, importer.Stats, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, importer.Stats{}, err
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
func compareFlow(r *report, where string, x *engine.Exchange, w expectedFlow) {
	req := w.Request
	if x.Method != req.Method {
		r.errorf("%s: method %q, want %q", where, x.Method, req.Method)
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
		r.errorf("%s: URL %q, want %q", where, got, wantURL)
	}
	if x.Status != w.Response.StatusCode {
		r.errorf("%s: status %d, want %d", where, x.Status, w.Response.StatusCode)
	}
	compareHeaders(r, where+" request", x.ReqHeaders, req.Headers, len(x.ReqBody.Data))
	compareHeaders(r, where+" response", x.RespHeaders, w.Response.Headers, len(x.RespBody.Data))
	compareBody(r, where+" request", x.ReqBody.Data, req.ContentLength, req.ContentHash)
	compareBody(r, where+" response", x.RespBody.Data, w.Response.ContentLength, w.Response.ContentHash)
	if d := math.Abs(float64(x.Start.UnixNano())/1e9 - req.TimestampStart); d > 1e-6 {
		r.errorf("%s: start %v, want %f (off by %fs)", where, x.Start, req.TimestampStart, d)
	}
	if d := math.Abs(float64(x.End().UnixNano())/1e9 - req.TimestampEnd); d > 1e-6 {
		r.errorf("%s: end %v, want %f (off by %fs)", where, x.End(), req.TimestampEnd, d)
	}
}

func compareHeaders(r *report, where string, got []engine.Header, want [][2]string, bodyLen int) {
	if n := len(want); n == len(got)+1 && strings.EqualFold(want[n-1][0], "content-length") && want[n-1][1] == strconv.Itoa(bodyLen) {
		want = want[:n-1]
	}
	if len(got) != len(want) {
		r.errorf("%s: %d headers, want %d", where, len(got), len(want))
		return
	}
	for i, h := range want {
		if got[i].Name != h[0] || got[i].Value != h[1] {
			r.errorf("%s header %d = %s: %q, want %s: %q", where, i, got[i].Name, got[i].Value, h[0], h[1])
		}
	}
}

func compareBody(r *report, where string, data []byte, wantLen int, wantHash string) {
	sum := sha256.Sum256(data)
	if len(data) != wantLen || hex.EncodeToString(sum[:]) != wantHash {
		r.errorf("%s body: %d bytes with sha256 %x, want %d bytes with %.8s", where, len(data), sum[:4], wantLen, wantHash)
	}
}
