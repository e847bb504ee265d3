package export

import (
	"encoding/json"
	"io"
)

// ListFormat is how a listing prints its records as JSON.
type ListFormat int

const (
	// JSONArray prints one indented JSON array, [] when empty.
	JSONArray ListFormat = iota
	// NDJSON prints one object per line.
	NDJSON
)

// WriteList prints items in the format f.
func WriteList[T any](w io.Writer, f ListFormat, items []T) error {
	enc := json.NewEncoder(w)
	if f == JSONArray {
		if items == nil {
			items = []T{}
		}
		enc.SetIndent("", "  ")
		return enc.Encode(items)
	}
	for _, it := range items {
		if err := enc.Encode(it); err != nil {
			return err
		}
	}
	return nil
}
