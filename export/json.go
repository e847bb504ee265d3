package export

import (
	"encoding/json"
	"io"
)

// WriteJSON writes {"session": ..., "requests": [...]} with the records
// of spoor sessions --json and spoor requests --json.
func WriteJSON(w io.Writer, s *Session) error {
	out := struct {
		Session  SessionJSON   `json:"session"`
		Requests []RequestJSON `json:"requests"`
	}{Session: NewSessionJSON(s.Session), Requests: make([]RequestJSON, len(s.Requests))}
	for i, x := range s.Requests {
		out.Requests[i] = NewRequestJSON(x)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}
