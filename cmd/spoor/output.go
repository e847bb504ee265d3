package main

import (
	"fmt"
	"io"

	"github.com/spoorhq/spoor/export"
)

// outputFormat is how a listing command prints.
type outputFormat int

const (
	formatTable outputFormat = iota
	formatJSON
	formatNDJSON
)

func pickFormat(jsonFlag, ndjsonFlag bool) (outputFormat, error) {
	switch {
	case jsonFlag && ndjsonFlag:
		return 0, usageError{fmt.Errorf("--json and --ndjson are exclusive")}
	case jsonFlag:
		return formatJSON, nil
	case ndjsonFlag:
		return formatNDJSON, nil
	}
	return formatTable, nil
}

// writeJSON prints items as one array (--json) or as one object per line
// (--ndjson).
func writeJSON[T any](w io.Writer, f outputFormat, items []T) error {
	if f == formatJSON {
		return export.WriteList(w, export.JSONArray, items)
	}
	return export.WriteList(w, export.NDJSON, items)
}
