package report

import (
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"time"

	"github.com/spoorhq/spoor/engine"
)

// Source is what a report reads; the store satisfies it.
type Source interface {
	// Session returns one session by id.
	Session(id string) (engine.Session, error)
	// Requests returns a session's exchanges in time order, without bodies.
	Requests(sessionID string) ([]engine.Exchange, error)
	// Exchange returns one exchange with its bodies.
	Exchange(id uint64) (engine.Exchange, error)
}

// Format is a report's form.
type Format string

// The formats Write renders.
const (
	HTML     Format = "html"
	Markdown Format = "md"
)

// ParseFormat reads a --format value: html, or md (markdown).
func ParseFormat(s string) (Format, error) {
	switch strings.ToLower(s) {
	case "html", "htm":
		return HTML, nil
	case "md", "markdown":
		return Markdown, nil
	}
	return "", fmt.Errorf("format %q: want html or md", s)
}

// FormatOf is the format a file name asks for by its extension (.md and
// .markdown are Markdown), or HTML.
func FormatOf(path string) Format {
	switch strings.ToLower(filepath.Ext(path)) {
	case ".md", ".markdown":
		return Markdown
	}
	return HTML
}

// DefaultMaxBody is how much of each body an HTML report shows.
const DefaultMaxBody = 16 << 10

// Options say how a report is rendered and what it says about itself.
type Options struct {
	Format Format
	// Version is the spoor that wrote the report.
	Version string
	// Now is the time of export, printed in UTC.
	Now time.Time
	// Config is the configuration in force: its keys explain why each
	// session grouped, and the report lists them with the context
	// parameters.
	Config engine.Config
	// ConfigSource says where Config came from ("saved in the store").
	ConfigSource string
	// Filter is the filter expression that chose the sessions, if any.
	Filter string
	// MaxBody bounds the bytes of each body an HTML report shows; zero
	// means DefaultMaxBody.
	MaxBody int
}

// ErrNoSessions is returned when a report is asked of no session.
var ErrNoSessions = errors.New("no session to report")

// Write renders the sessions ids names, in that order, to w.
func Write(w io.Writer, src Source, ids []string, opts Options) error {
	if len(ids) == 0 {
		return ErrNoSessions
	}
	if opts.MaxBody <= 0 {
		opts.MaxBody = DefaultMaxBody
	}
	doc, err := newDocument(src, ids, opts)
	if err != nil {
		return err
	}
	switch opts.Format {
	case Markdown:
		return writeMarkdown(w, doc)
	case HTML, "":
		return writeHTML(w, doc)
	}
	return fmt.Errorf("report format %q: want html or md", opts.Format)
}
