package export

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/spoorhq/spoor/engine"
)

// requestsOf yields xs, as a store would with their bodies.
func requestsOf(xs ...engine.Exchange) Requests {
	return func(fn func(*engine.Exchange) error) error {
		for i := range xs {
			if err := fn(&xs[i]); err != nil {
				return err
			}
		}
		return nil
	}
}

func TestWriteHAR(t *testing.T) {
	t0 := time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC)
	xs := []engine.Exchange{
		{Start: t0, Duration: 1500 * time.Microsecond, ClientIP: "192.0.2.1", Method: "POST", Scheme: "https", Host: "api.test", Path: "/v1/img", Query: "a=1&b=x%20y",
			ReqHeaders: []engine.Header{{Name: "Content-Type", Value: "image/png"}}, ReqBody: engine.Body{Data: []byte{0x89, 'P', 0xff}, Size: 3},
			Status: 201, RespHeaders: []engine.Header{{Name: "Location", Value: "/v1/img/7"}}, RespBody: engine.Body{Data: []byte("ok"), Size: 10, Truncated: true}},
		{Start: t0.Add(time.Second), Method: "GET", Path: "/health", Status: 200},
	}
	var b bytes.Buffer
	if err := WriteHAR(&b, requestsOf(xs...)); err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Log struct {
			Version string `json:"version"`
			Entries []struct {
				Time    float64 `json:"time"`
				Request struct {
					URL         string `json:"url"`
					QueryString []struct{ Name, Value string }
					PostData    *struct{ Text, Encoding string }
				} `json:"request"`
				Response struct {
					RedirectURL string `json:"redirectURL"`
					Content     struct {
						Size int64  `json:"size"`
						Text string `json:"text"`
					} `json:"content"`
				} `json:"response"`
				ClientIP string `json:"_clientIP"`
				Comment  string `json:"comment"`
			} `json:"entries"`
		} `json:"log"`
	}
	if err := json.Unmarshal(b.Bytes(), &doc); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, b.String())
	}
	es := doc.Log.Entries
	if doc.Log.Version != "1.2" || len(es) != 2 {
		t.Fatalf("version %q, %d entries", doc.Log.Version, len(es))
	}
	e := es[0]
	if e.Request.URL != "https://api.test/v1/img?a=1&b=x%20y" || e.Time != 1.5 || e.ClientIP != "192.0.2.1" || e.Response.RedirectURL != "/v1/img/7" {
		t.Errorf("entry 0 = %+v", e)
	}
	if q := e.Request.QueryString; len(q) != 2 || q[1].Name != "b" || q[1].Value != "x y" {
		t.Errorf("queryString %+v", q)
	}
	if p := e.Request.PostData; p == nil || p.Encoding != "base64" || p.Text != "iVD/" {
		t.Errorf("postData %+v, want base64 of the binary body", p)
	}
	if e.Response.Content.Size != 10 || e.Response.Content.Text != "ok" || !strings.Contains(e.Comment, "first bytes") {
		t.Errorf("truncated response %+v, comment %q", e.Response.Content, e.Comment)
	}
	if es[1].Request.URL != "http://localhost/health" || es[1].Request.PostData != nil {
		t.Errorf("entry 1 = %+v", es[1])
	}
}

func TestWriteStopsAtAnError(t *testing.T) {
	failing := func(fn func(*engine.Exchange) error) error { return errors.New("store closed") }
	var b bytes.Buffer
	if err := WriteHAR(&b, failing); err == nil || err.Error() != "store closed" {
		t.Errorf("WriteHAR err = %v", err)
	}
	if err := WriteCurl(&b, engine.Session{ID: "s-1"}, 1, failing); err == nil {
		t.Error("WriteCurl returned no error")
	}
}

func TestWriteCurl(t *testing.T) {
	xs := []engine.Exchange{{Method: "GET", Host: "a", Path: "/1"}, {Method: "HEAD", Host: "a", Path: "/2"}}
	var b bytes.Buffer
	if err := WriteCurl(&b, engine.Session{ID: "k-1", Actor: "alice"}, len(xs), requestsOf(xs...)); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	if !strings.HasPrefix(out, "# spoor session k-1 (alice), 2 requests\n\n# ") {
		t.Errorf("header:\n%s", out)
	}
	for _, x := range xs {
		if !strings.Contains(out, "\n"+Curl(&x)+"\n") {
			t.Errorf("output lacks Curl's command %q:\n%s", Curl(&x), out)
		}
	}
}
