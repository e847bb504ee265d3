package detect

import (
	"bytes"
	"compress/flate"
	"compress/gzip"
	"compress/zlib"
	"io"
	"mime"
	"strings"
	"unicode/utf8"

	"github.com/spoorhq/spoor/engine"
)

// Body limits. maxInflated bounds what a compressed body may inflate to,
// so a small gzip bomb cannot cost the workers memory; maxTextBody bounds
// how much of a body with no structure spoor knows is scanned as one value.
const (
	maxInflated = 1 << 20
	maxTextBody = 8 << 10
)

// bodyKind says how a request body is read.
type bodyKind uint8

const (
	bodyNone bodyKind = iota
	bodyForm
	bodyMultipart
	bodyJSON
	bodyXML
	bodyText
	bodyBinary
)

// requestBody returns the request body as the application reads it:
// inflated when its Content-Encoding is gzip or deflate. A body that does
// not inflate (truncated at the capture cap, or not compressed after all)
// yields what inflated before the fault, or the bytes as they are.
func requestBody(x *engine.Exchange) []byte {
	data := x.ReqBody.Data
	if len(data) == 0 {
		return nil
	}
	enc := strings.ToLower(strings.TrimSpace(x.ReqHeader("Content-Encoding")))
	var r io.ReadCloser
	var err error
	switch enc {
	case "gzip", "x-gzip":
		r, err = gzip.NewReader(bytes.NewReader(data))
	case "deflate":
		if len(data) >= 2 && (uint16(data[0])<<8|uint16(data[1]))%31 == 0 && data[0]&0x0f == 8 {
			r, err = zlib.NewReader(bytes.NewReader(data))
		} else {
			r = flate.NewReader(bytes.NewReader(data))
		}
	default:
		return data
	}
	if err != nil {
		return data
	}
	defer r.Close()
	out, _ := io.ReadAll(io.LimitReader(r, maxInflated))
	if len(out) == 0 {
		return data
	}
	return out
}

// classifyBody says how to read body from the request's Content-Type, or
// from its first bytes when it has none (an import without headers).
func classifyBody(x *engine.Exchange, body []byte) (bodyKind, string) {
	if len(body) == 0 {
		return bodyNone, ""
	}
	ct := x.ReqHeader("Content-Type")
	if ct == "" {
		return sniffBody(body), ""
	}
	// Without parameters, ParseMediaType's answer is the lower-cased,
	// trimmed value (or an error, after which the same is used): the
	// common "application/json" is read without its allocations.
	var params map[string]string
	media := strings.TrimSpace(strings.ToLower(ct))
	if strings.IndexByte(ct, ';') >= 0 {
		var err error
		media, params, err = mime.ParseMediaType(ct)
		if err != nil {
			media, _, _ = strings.Cut(strings.ToLower(ct), ";")
			media = strings.TrimSpace(media)
		}
	}
	switch {
	case media == "application/x-www-form-urlencoded":
		return bodyForm, ""
	case media == "multipart/form-data":
		if b := params["boundary"]; b != "" {
			return bodyMultipart, b
		}
		return bodyText, ""
	case strings.HasSuffix(media, "/json") || strings.HasSuffix(media, "+json") ||
		media == "application/jsonl" || media == "application/x-ndjson":
		return bodyJSON, ""
	case strings.HasSuffix(media, "/xml") || strings.HasSuffix(media, "+xml"):
		return bodyXML, ""
	case strings.HasPrefix(media, "image/") || strings.HasPrefix(media, "audio/") ||
		strings.HasPrefix(media, "video/") || strings.HasPrefix(media, "font/") ||
		media == "application/octet-stream" || media == "application/zip" ||
		media == "application/pdf" || strings.Contains(media, "protobuf") ||
		strings.HasPrefix(media, "application/grpc"):
		return bodyBinary, ""
	case strings.HasPrefix(media, "text/"):
		return bodyText, ""
	}
	return sniffBody(body), ""
}

// sniffBody guesses a body's kind from its bytes.
func sniffBody(body []byte) bodyKind {
	head := body[:min(len(body), 512)]
	if bytes.IndexByte(head, 0) >= 0 || !utf8.Valid(head[:validPrefix(head)]) {
		return bodyBinary
	}
	t := bytes.TrimLeft(head, " \t\r\n")
	switch {
	case len(t) == 0:
		return bodyNone
	case t[0] == '{' || t[0] == '[':
		return bodyJSON
	case t[0] == '<':
		return bodyXML
	case bytes.IndexByte(head, '=') > 0:
		return bodyForm
	}
	return bodyText
}

// validPrefix returns the length of head without a rune cut at its end, so
// that a 512-byte window does not make UTF-8 text look binary.
func validPrefix(head []byte) int {
	n := len(head)
	for k := 1; k <= 3 && k <= n; k++ {
		if utf8.RuneStart(head[n-k]) {
			if !utf8.FullRune(head[n-k:]) {
				return n - k
			}
			break
		}
	}
	return n
}
