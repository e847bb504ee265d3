package export

import (
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/spoorhq/spoor/engine"
)

// The HAR 1.2 document spoor writes. Fields starting with "_" are custom
// fields, which HAR allows: _clientIP keeps the client address that grouping
// needs (HAR has no field for it), and spoor import reads it back.
type (
	harCreator struct {
		Name    string `json:"name"`
		Version string `json:"version"`
	}
	harOutEntry struct {
		StartedDateTime string     `json:"startedDateTime"`
		Time            float64    `json:"time"`
		Request         harOutReq  `json:"request"`
		Response        harOutResp `json:"response"`
		Cache           struct{}   `json:"cache"`
		Timings         harTimings `json:"timings"`
		ClientIP        string     `json:"_clientIP,omitempty"`
		SessionID       string     `json:"_sessionID,omitempty"`
		Error           string     `json:"_error,omitempty"`
		Comment         string     `json:"comment,omitempty"`
	}
	harOutReq struct {
		Method      string      `json:"method"`
		URL         string      `json:"url"`
		HTTPVersion string      `json:"httpVersion"`
		Cookies     []harOutNV  `json:"cookies"`
		Headers     []harOutNV  `json:"headers"`
		QueryString []harOutNV  `json:"queryString"`
		PostData    *harOutBody `json:"postData,omitempty"`
		HeadersSize int         `json:"headersSize"`
		BodySize    int64       `json:"bodySize"`
	}
	harOutResp struct {
		Status      int        `json:"status"`
		StatusText  string     `json:"statusText"`
		HTTPVersion string     `json:"httpVersion"`
		Cookies     []harOutNV `json:"cookies"`
		Headers     []harOutNV `json:"headers"`
		Content     harContent `json:"content"`
		RedirectURL string     `json:"redirectURL"`
		HeadersSize int        `json:"headersSize"`
		BodySize    int64      `json:"bodySize"`
	}
	harOutNV struct {
		Name  string `json:"name"`
		Value string `json:"value"`
	}
	harOutBody struct {
		MimeType string `json:"mimeType"`
		Text     string `json:"text"`
		// Encoding is not in HAR 1.2 for request bodies, but common
		// tools (and spoor import) read it as for content.
		Encoding string `json:"encoding,omitempty"`
	}
	harContent struct {
		Size     int64  `json:"size"`
		MimeType string `json:"mimeType"`
		Text     string `json:"text,omitempty"`
		Encoding string `json:"encoding,omitempty"`
	}
	harTimings struct {
		Send    float64 `json:"send"`
		Wait    float64 `json:"wait"`
		Receive float64 `json:"receive"`
	}
)

// WriteHAR streams a HAR 1.2 document of the requests each yields: the
// envelope by hand and one entry at a time, so that only one request's
// bodies are in memory at once. spoor import reads it back.
func WriteHAR(w io.Writer, each Requests) error {
	head, err := json.Marshal(harCreator{Name: "spoor", Version: "1"})
	if err != nil {
		return err
	}
	if _, err := io.WriteString(w, `{"log":{"version":"1.2","creator":`+string(head)+`,"entries":[`+"\n"); err != nil {
		return err
	}
	first := true
	err = each(func(x *engine.Exchange) error {
		b, err := json.Marshal(harEntryOf(x))
		if err != nil {
			return err
		}
		if !first {
			if _, err := io.WriteString(w, ",\n"); err != nil {
				return err
			}
		}
		first = false
		_, err = w.Write(b)
		return err
	})
	if err != nil {
		return err
	}
	_, err = io.WriteString(w, "\n]}}\n")
	return err
}

func harEntryOf(x *engine.Exchange) harOutEntry {
	ms := float64(x.Duration) / float64(time.Millisecond)
	e := harOutEntry{
		StartedDateTime: x.Start.Format(time.RFC3339Nano),
		Time:            ms,
		Request: harOutReq{
			Method: x.Method, URL: URL(x), HTTPVersion: "HTTP/1.1",
			Cookies: []harOutNV{}, Headers: harHeaders(x.ReqHeaders), QueryString: harQuery(x.Query),
			HeadersSize: -1, BodySize: x.ReqBody.Size,
		},
		Response: harOutResp{
			Status: x.Status, StatusText: http.StatusText(x.Status), HTTPVersion: "HTTP/1.1",
			Cookies: []harOutNV{}, Headers: harHeaders(x.RespHeaders),
			Content:     harContent{Size: x.RespBody.Size, MimeType: x.RespHeader("Content-Type")},
			RedirectURL: x.RespHeader("Location"), HeadersSize: -1, BodySize: x.RespBody.Size,
		},
		Timings:   harTimings{Wait: ms},
		ClientIP:  x.ClientIP,
		SessionID: x.SessionID,
		Error:     x.Error,
	}
	if len(x.ReqBody.Data) > 0 || x.ReqBody.Size > 0 {
		text, enc := harText(x.ReqBody.Data)
		e.Request.PostData = &harOutBody{MimeType: x.ReqHeader("Content-Type"), Text: text, Encoding: enc}
	}
	e.Response.Content.Text, e.Response.Content.Encoding = harText(x.RespBody.Data)
	if x.ReqBody.Truncated || x.RespBody.Truncated {
		e.Comment = "spoor captured only the first bytes of a body: size and bodySize give the full length"
	}
	return e
}

// harText returns a body as HAR text: as it is when it is UTF-8, else
// base64 with encoding "base64", as HAR 1.2 prescribes for content.
func harText(b []byte) (text, encoding string) {
	if utf8.Valid(b) {
		return string(b), ""
	}
	return base64.StdEncoding.EncodeToString(b), "base64"
}

func harHeaders(hs []engine.Header) []harOutNV {
	out := make([]harOutNV, len(hs))
	for i, h := range hs {
		out[i] = harOutNV{Name: h.Name, Value: h.Value}
	}
	return out
}

// harQuery lists the query's parameters in the order they were sent,
// decoded where they decode.
func harQuery(q string) []harOutNV {
	out := []harOutNV{}
	for part := range strings.SplitSeq(q, "&") {
		if part == "" {
			continue
		}
		name, value, _ := strings.Cut(part, "=")
		if n, err := url.QueryUnescape(name); err == nil {
			name = n
		}
		if v, err := url.QueryUnescape(value); err == nil {
			value = v
		}
		out = append(out, harOutNV{Name: name, Value: value})
	}
	return out
}
