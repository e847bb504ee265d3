package engine

import (
	"bytes"
	"mime"
	"strings"
)

// maxSSEEvents bounds the events read from one captured stream; a stream
// that sends thousands of progress notifications is summarised by its first.
const maxSSEEvents = 256

// SSEEvent is one event of a text/event-stream body.
type SSEEvent struct {
	ID    string
	Event string
	Data  string
}

// ParseSSE splits a text/event-stream body into its events, following the
// event-stream interpretation of the HTML standard: lines end in CRLF, LF or
// CR; a line starting with ':' is a comment; "data" lines accumulate, joined
// by newlines; a blank line dispatches the event, unless it has no data. An
// event not closed by a blank line is dropped, as a browser drops it, which
// is also what a body cut at the capture cap needs: a half-received message
// must not be read as a whole one.
func ParseSSE(body []byte) []SSEEvent {
	body = bytes.TrimPrefix(body, []byte("\xef\xbb\xbf"))
	var (
		events []SSEEvent
		cur    SSEEvent
		data   strings.Builder
		hasDat bool
	)
	for len(body) > 0 && len(events) < maxSSEEvents {
		end := bytes.IndexAny(body, "\r\n")
		if end < 0 {
			break // an unterminated last line belongs to an unfinished event
		}
		line := body[:end]
		if body[end] == '\r' && end+1 < len(body) && body[end+1] == '\n' {
			body = body[end+2:]
		} else {
			body = body[end+1:]
		}
		if len(line) == 0 {
			if hasDat {
				cur.Data = data.String()
				events = append(events, cur)
			}
			cur.Event, hasDat = "", false
			data.Reset()
			continue
		}
		if line[0] == ':' {
			continue
		}
		field, value, _ := bytes.Cut(line, []byte(":"))
		value = bytes.TrimPrefix(value, []byte(" "))
		switch string(field) {
		case "data":
			if hasDat {
				data.WriteByte('\n')
			}
			data.Write(value)
			hasDat = true
		case "event":
			cur.Event = string(value)
		case "id":
			if bytes.IndexByte(value, 0) < 0 {
				cur.ID = string(value)
			}
		}
	}
	return events
}

// isEventStream reports whether headers declare a text/event-stream body.
func isEventStream(hs []Header) bool {
	ct := headerValue(hs, "Content-Type")
	if ct == "" {
		return false
	}
	mt, _, err := mime.ParseMediaType(ct)
	return err == nil && mt == "text/event-stream"
}
