package detail

import (
	"bytes"
	"compress/flate"
	"compress/gzip"
	"compress/zlib"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	brrr "github.com/molecule-man/go-brrr"

	"github.com/spoorhq/spoor/engine"
	"github.com/spoorhq/spoor/tui/table"
)

const (
	// maxShown bounds the decoded body the view holds: a decompression
	// bomb or a huge capture must not cost the terminal its memory.
	maxShown = 1 << 20
	// maxLines bounds the lines of a body the viewport scrolls through.
	maxLines = 20_000
)

// Prepared is an exchange with its bodies decoded into display lines.
type Prepared struct {
	Exchange engine.Exchange
	ReqBody  []string
	RespBody []string
}

// Prepare decodes and formats x's bodies. It is CPU work, meant for a
// tea.Cmd, never for Update.
func Prepare(x engine.Exchange) Prepared {
	return Prepared{
		Exchange: x,
		ReqBody:  bodyLines(x.ReqHeaders, x.ReqBody),
		RespBody: bodyLines(x.RespHeaders, x.RespBody),
	}
}

// bodyLines turns a captured body into what the view shows: decoded,
// JSON indented, text sanitized, binary summarized.
func bodyLines(hs []engine.Header, b engine.Body) []string {
	if len(b.Data) == 0 {
		if b.Size > 0 {
			return []string{fmt.Sprintf("(%d bytes, not captured)", b.Size)}
		}
		return []string{"(empty body)"}
	}
	var notes []string
	data := b.Data
	if enc := strings.ToLower(strings.TrimSpace(header(hs, "Content-Encoding"))); enc != "" && enc != "identity" {
		if dec, err := decode(enc, data); err == nil || len(dec) > 0 {
			data = dec
			notes = append(notes, fmt.Sprintf("(decoded %s: %d → %d bytes)", enc, len(b.Data), len(dec)))
		} else {
			notes = append(notes, fmt.Sprintf("(could not decode %s: %v)", enc, err))
		}
	}
	if b.Truncated {
		notes = append(notes, fmt.Sprintf("(truncated by capture: %d of %d bytes kept)", len(b.Data), b.Size))
	}
	var text string
	var out bytes.Buffer
	switch {
	case json.Valid(data) && json.Indent(&out, data, "", "  ") == nil:
		text = out.String()
	case utf8.Valid(data):
		text = string(data)
	default:
		return append(notes, fmt.Sprintf("(binary, %d bytes)", len(data)))
	}
	if len(text) > maxShown {
		text = text[:maxShown]
		notes = append(notes, "(shown up to 1 MiB)")
	}
	lines := strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n")
	if len(lines) > maxLines {
		lines = append(lines[:maxLines], fmt.Sprintf("(… %d more lines)", len(lines)-maxLines))
	}
	for i, l := range lines {
		lines[i] = table.Sanitize(strings.ReplaceAll(l, "\t", "    "))
	}
	return append(notes, lines...)
}

// decode undoes a content encoding, reading at most maxShown bytes. A
// truncated capture decodes as far as it goes.
func decode(enc string, data []byte) ([]byte, error) {
	var r io.Reader
	var err error
	src := bytes.NewReader(data)
	switch enc {
	case "gzip", "x-gzip":
		r, err = gzip.NewReader(src)
	case "deflate":
		if r, err = zlib.NewReader(src); err != nil {
			r, err = flate.NewReader(bytes.NewReader(data)), nil
		}
	case "br":
		r = brrr.NewReader(src)
	default:
		return nil, fmt.Errorf("unknown encoding")
	}
	if err != nil {
		return nil, err
	}
	out, err := io.ReadAll(io.LimitReader(r, maxShown))
	if err == io.ErrUnexpectedEOF {
		err = nil
	}
	return out, err
}

func header(hs []engine.Header, name string) string {
	for _, h := range hs {
		if strings.EqualFold(h.Name, name) {
			return h.Value
		}
	}
	return ""
}
