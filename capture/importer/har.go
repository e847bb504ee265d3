package importer

import (
	"bufio"
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"net/url"
	"strings"
	"time"

	"github.com/spoorhq/spoor/engine"
)

// harEntry is the part of a HAR 1.2 entry an exchange is made of.
type harEntry struct {
	StartedDateTime string  `json:"startedDateTime"`
	Time            float64 `json:"time"`
	Request         harReq  `json:"request"`
	Response        harResp `json:"response"`
	ClientIP        string  `json:"_clientIP"` // spoor's extension: HAR has no client address
}

type harReq struct {
	Method   string       `json:"method"`
	URL      string       `json:"url"`
	Headers  []harNV      `json:"headers"`
	PostData *harPostData `json:"postData"`
	BodySize int64        `json:"bodySize"`
}

type harResp struct {
	Status  int        `json:"status"`
	Headers []harNV    `json:"headers"`
	Content harContent `json:"content"`
	Error   string     `json:"_error"` // Chrome's reason for a failed request
}

type harNV struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

type harPostData struct {
	MimeType string  `json:"mimeType"`
	Text     string  `json:"text"`
	Encoding string  `json:"encoding"` // not in HAR 1.2, but written by several tools (and spoor) for binary bodies
	Params   []harNV `json:"params"`
}

type harContent struct {
	Size     int64  `json:"size"`
	Text     string `json:"text"`
	Encoding string `json:"encoding"`
}

// readHAR walks a HAR file's tokens down to log.entries and decodes one
// entry at a time, so memory is bounded by the largest entry rather than
// the file. An entry of the wrong shape is reported bad; JSON that is not
// well formed, or ends early, ends the import with a *BreakError after the
// entries before it, since nothing after it can be trusted. It returns how
// far it read, in entries.
func readHAR(ctx context.Context, r *bufio.Reader, opts Options, emit func(*engine.Exchange) error, bad func(BadLine)) (Position, error) {
	in := &consumed{r: r, content: newContentHash()}
	dec := json.NewDecoder(in)
	found, read := false, false
	entries := 0
	err := walkObject(dec, "HAR file", func(key string) (bool, error) {
		if key != "log" {
			return false, nil
		}
		return true, walkObject(dec, "log", func(key string) (bool, error) {
			if key != "entries" {
				return false, nil
			}
			found = true
			err := readEntries(ctx, dec, in, opts, &entries, emit, bad)
			read = err == nil
			return true, err
		})
	})
	pos := in.content.position(entries)
	if err != nil && read {
		// Every entry was read; the file breaks after them.
		err = &BreakError{At: BadLine{Entry: entries + 1, Err: err}}
	}
	if err != nil {
		return pos, err
	}
	if !found {
		return pos, errors.New("not a HAR file: no log.entries")
	}
	return pos, nil
}

// consumed hashes the part of its input a JSON decoder has used, which is
// less than it has read: the decoder reads ahead.
type consumed struct {
	r       io.Reader
	content *contentHash
	ahead   []byte // read and not yet hashed, from content.offset on
}

func (c *consumed) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.ahead = append(c.ahead, p[:n]...)
	return n, err
}

// consume hashes the input up to offset.
func (c *consumed) consume(offset int64) {
	k := int(offset - c.content.offset)
	c.content.write(c.ahead[:k])
	c.ahead = c.ahead[k:]
}

// started reports whether any of the next entry was read: more than the
// comma and spaces after the last one consumed.
func (c *consumed) started() bool {
	return len(bytes.TrimLeft(c.ahead, " \t\r\n,")) > 0
}

// walkObject reads one JSON object, calling member for each key; member
// reports whether it consumed the value, and the value is skipped if not.
func walkObject(dec *json.Decoder, what string, member func(key string) (bool, error)) error {
	if err := expectDelim(dec, '{', what); err != nil {
		return err
	}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return harRead(dec, err)
		}
		key, _ := tok.(string)
		used, err := member(key)
		if err != nil {
			return err
		}
		if !used {
			var skip json.RawMessage
			if err := dec.Decode(&skip); err != nil {
				return harRead(dec, err)
			}
		}
	}
	_, err := dec.Token() // the closing brace
	return harRead(dec, err)
}

func expectDelim(dec *json.Decoder, want json.Delim, what string) error {
	tok, err := dec.Token()
	if err != nil {
		if errors.Is(err, io.EOF) {
			return fmt.Errorf("not a HAR file: %s ends early", what)
		}
		return harRead(dec, err)
	}
	if d, ok := tok.(json.Delim); !ok || d != want {
		kind := "object"
		if want == '[' {
			kind = "array"
		}
		return fmt.Errorf("not a HAR file: %s is not a JSON %s", what, kind)
	}
	return nil
}

// harRead says why the decoder stopped: the input could not be read (a
// truncated gzip), it ended in the middle of the JSON, or the JSON is not
// well formed.
func harRead(dec *json.Decoder, err error) error {
	var gz gzipError
	switch {
	case err == nil:
		return nil
	case errors.As(err, &gz):
		return err
	case errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF):
		// The record it ends in says where: the decoder's offset is
		// that of the last token it finished, not of the end.
		return errors.New("HAR ends early")
	}
	return fmt.Errorf("HAR is not valid JSON near byte %d: %w", dec.InputOffset(), err)
}

// readEntries reads log.entries, after the entries of opts.Resume, and
// counts in n the entries read.
func readEntries(ctx context.Context, dec *json.Decoder, in *consumed, opts Options, n *int, emit func(*engine.Exchange) error, bad func(BadLine)) error {
	if err := expectDelim(dec, '[', "log.entries"); err != nil {
		return err
	}
	for dec.More() {
		next := *n + 1
		if next%256 == 0 && ctx.Err() != nil {
			return ctx.Err()
		}
		if next <= opts.Resume.Records {
			var skip json.RawMessage
			if err := dec.Decode(&skip); err != nil {
				return &BreakError{At: BadLine{Entry: next, Err: harRead(dec, err)}, Partial: in.started()}
			}
			*n = next
			in.consume(dec.InputOffset())
			if *n == opts.Resume.Records {
				if err := in.content.resumed(opts.Resume); err != nil {
					return err
				}
			}
			continue
		}
		var e harEntry
		err := dec.Decode(&e)
		var typeErr *json.UnmarshalTypeError
		if err != nil && !errors.As(err, &typeErr) {
			return &BreakError{At: BadLine{Entry: next, Err: harRead(dec, err)}, Partial: in.started()}
		}
		*n = next
		in.consume(dec.InputOffset())
		if err != nil {
			bad(BadLine{Entry: next, Err: fmt.Errorf("%s is a JSON %s, want %s", typeErr.Field, typeErr.Value, typeErr.Type)})
			continue
		}
		x, err := e.exchange(opts.BodyLimit)
		if err != nil {
			bad(BadLine{Entry: next, Err: err})
			continue
		}
		if err := emit(x); err != nil {
			return err
		}
	}
	if *n < opts.Resume.Records {
		return in.content.resumed(opts.Resume)
	}
	if _, err := dec.Token(); err != nil { // the closing bracket
		return &BreakError{At: BadLine{Entry: *n + 1, Err: harRead(dec, err)}}
	}
	return nil
}

// exchange converts an entry. The URL is split by hand, not rebuilt by
// net/url, so that the path and query keep the exact bytes the client sent.
func (e *harEntry) exchange(bodyLimit int) (*engine.Exchange, error) {
	start, err := time.Parse(time.RFC3339Nano, e.StartedDateTime)
	if err != nil || !validTime(start) {
		return nil, fmt.Errorf("malformed startedDateTime %q", e.StartedDateTime)
	}
	if !isToken(e.Request.Method) {
		return nil, fmt.Errorf("malformed method %q", e.Request.Method)
	}
	u, err := url.Parse(e.Request.URL)
	if err != nil || u.Scheme == "" || u.Host == "" {
		return nil, fmt.Errorf("malformed url %s", quoteShort([]byte(e.Request.URL)))
	}
	x := &engine.Exchange{
		Start:    start,
		Duration: msDuration(e.Time),
		ClientIP: e.ClientIP,
		Method:   e.Request.Method,
		Status:   e.Response.Status,
		Error:    e.Response.Error,
	}
	setTarget(x, e.Request.URL)
	x.ReqHeaders = headers(e.Request.Headers)
	x.RespHeaders = headers(e.Response.Headers)
	if pd := e.Request.PostData; pd != nil {
		data, err := postBody(pd)
		if err != nil {
			return nil, fmt.Errorf("request body: %w", err)
		}
		x.ReqBody = capBody(data, e.Request.BodySize, bodyLimit)
	}
	data, err := decodeText(e.Response.Content.Text, e.Response.Content.Encoding)
	if err != nil {
		return nil, fmt.Errorf("response body: %w", err)
	}
	x.RespBody = capBody(data, e.Response.Content.Size, bodyLimit)
	if x.Status == 0 && x.Error == "" {
		x.Error = "no response recorded"
	}
	return x, nil
}

// msDuration converts HAR's fractional milliseconds, rounded to the
// nanosecond, so that a duration exported by spoor reads back unchanged.
func msDuration(ms float64) time.Duration {
	if !(ms > 0) || ms > float64(math.MaxInt64)/1e6 {
		return 0 // -1 means "not known" in HAR
	}
	return time.Duration(math.Round(ms * 1e6))
}

func headers(nvs []harNV) []engine.Header {
	if len(nvs) == 0 {
		return nil
	}
	hs := make([]engine.Header, len(nvs))
	for i, h := range nvs {
		hs[i] = engine.Header{Name: h.Name, Value: h.Value}
	}
	return hs
}

// postBody returns the request body: its text, or, when a form was
// recorded only as params, the form encoded as a browser would send it.
func postBody(pd *harPostData) ([]byte, error) {
	if pd.Text != "" || len(pd.Params) == 0 || !strings.HasPrefix(pd.MimeType, "application/x-www-form-urlencoded") {
		return decodeText(pd.Text, pd.Encoding)
	}
	var b strings.Builder
	for i, p := range pd.Params {
		if i > 0 {
			b.WriteByte('&')
		}
		b.WriteString(url.QueryEscape(p.Name))
		b.WriteByte('=')
		b.WriteString(url.QueryEscape(p.Value))
	}
	return []byte(b.String()), nil
}

func decodeText(text, encoding string) ([]byte, error) {
	switch strings.ToLower(encoding) {
	case "":
		return []byte(text), nil
	case "base64":
		b, err := base64.StdEncoding.DecodeString(text)
		if err != nil {
			return nil, fmt.Errorf("malformed base64: %w", err)
		}
		return b, nil
	}
	return nil, fmt.Errorf("unknown encoding %q", encoding)
}

// capBody keeps at most limit bytes, like the proxy's capture limit. The
// size is the one the HAR states, when it states one: a body the recorder
// cut short (or spoor exported truncated) stays marked truncated, and a body
// spoor stored with secrets replaced by their longer hashes keeps the size
// that crossed the wire.
func capBody(data []byte, stated int64, limit int) engine.Body {
	b := engine.Body{Size: int64(len(data))}
	if stated > 0 {
		b.Size = stated
	}
	if len(data) > limit {
		data = data[:limit]
	}
	if len(data) > 0 {
		b.Data = data
	}
	b.Truncated = b.Size > int64(len(b.Data))
	return b
}
