package detect

import (
	"bytes"
	"compress/gzip"
	"strings"
	"testing"

	"github.com/spoorhq/spoor/engine"
)

// get returns a GET exchange for target ("/path?query") on shop.example.com
// with a browser's headers and the extra headers given as name, value
// pairs.
func get(target string, headers ...string) *engine.Exchange {
	path, query, _ := strings.Cut(target, "?")
	x := &engine.Exchange{
		Method:   "GET",
		Host:     "shop.example.com",
		Path:     path,
		Query:    query,
		ClientIP: "198.51.100.23",
		ReqHeaders: []engine.Header{
			{Name: "Host", Value: "shop.example.com"},
			{Name: "User-Agent", Value: "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"},
			{Name: "Accept", Value: "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"},
		},
	}
	for i := 0; i+1 < len(headers); i += 2 {
		x.ReqHeaders = append(x.ReqHeaders, engine.Header{Name: headers[i], Value: headers[i+1]})
	}
	return x
}

// post returns a POST exchange with a body of the given content type.
func post(target, contentType, body string, headers ...string) *engine.Exchange {
	x := get(target, headers...)
	x.Method = "POST"
	if contentType != "" {
		x.ReqHeaders = append(x.ReqHeaders, engine.Header{Name: "Content-Type", Value: contentType})
	}
	x.ReqBody = engine.Body{Data: []byte(body), Size: int64(len(body))}
	return x
}

func gzipped(s string) []byte {
	var b bytes.Buffer
	w := gzip.NewWriter(&b)
	_, _ = w.Write([]byte(s))
	_ = w.Close()
	return b.Bytes()
}

// hasTag reports whether tags hold one of typ at pt.
func hasTag(tags []engine.AttackTag, typ, pt string) bool {
	for _, t := range tags {
		if t.Type == typ && t.Point == pt {
			return true
		}
	}
	return false
}

// checkTag fails unless tags hold a tag of typ at pt.
func checkTag(t *testing.T, tags []engine.AttackTag, typ, pt string) {
	t.Helper()
	if !hasTag(tags, typ, pt) {
		t.Errorf("no %s tag at %s; got %+v", typ, pt, tags)
	}
}
