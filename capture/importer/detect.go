package importer

import (
	"bytes"
	"encoding/json"
	"errors"
)

// detectBytes is how much of the input Detect looks at.
const detectBytes = 64 << 10

// Detect names the format of an input from its first bytes (after gzip and
// a byte order mark): a JSON object whose first line is a complete object
// is JSON lines, unless that object is a one-line HAR; any other JSON object
// is a HAR file; lines that parse as combined or common log lines are
// combined. An nginx log_format cannot be told apart from text and must be
// given.
func Detect(head []byte) (Format, error) {
	trimmed := bytes.TrimLeft(head, " \t\r\n")
	if len(trimmed) == 0 {
		return "", errors.New("cannot detect the format of an empty input")
	}
	switch trimmed[0] {
	case '{':
		first, _, complete := bytes.Cut(trimmed, []byte("\n"))
		if !complete && len(head) < detectBytes {
			complete = true // the whole input is one line
		}
		if complete && json.Valid(first) {
			var top map[string]json.RawMessage
			if json.Unmarshal(first, &top) == nil && top["log"] != nil {
				return FormatHAR, nil
			}
			return FormatJSONLines, nil
		}
		return FormatHAR, nil
	case '[':
		return "", errors.New("a JSON array is not supported: convert it to JSON lines (jq -c '.[]') and pass --format jsonl")
	}
	lines := 0
	for line := range bytes.SplitSeq(trimmed, []byte("\n")) {
		line = bytes.TrimRight(line, "\r")
		if len(line) == 0 {
			continue
		}
		if _, err := ParseCombinedLine(line); err == nil {
			return FormatCombined, nil
		}
		if lines++; lines == 5 {
			break
		}
	}
	return "", errors.New("cannot detect the format: the first lines are neither combined nor common log lines, JSON lines nor HAR; pass --format, or --log-format for an nginx log_format")
}
