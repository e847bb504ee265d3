package export

import (
	"encoding/csv"
	"encoding/json"
	"io"
	"strconv"
	"time"
)

// CSVColumns are the fields of spoor requests --json, in its order.
func CSVColumns() []string {
	return []string{"id", "session_id", "time", "method", "host", "path", "endpoint", "query", "status", "duration_ms", "req_bytes", "resp_bytes", "client_ip", "attacks", "context", "error"}
}

// WriteCSV writes one row per request. Attacks and context, which are
// lists and maps, are JSON text in their cells.
func WriteCSV(w io.Writer, s *Session) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(CSVColumns()); err != nil {
		return err
	}
	for _, x := range s.Requests {
		r := NewRequestJSON(x)
		attacks, _ := json.Marshal(r.Attacks)
		context, _ := json.Marshal(r.Context)
		row := []string{
			strconv.FormatUint(r.ID, 10), r.SessionID, r.Time.Format(time.RFC3339Nano), r.Method, r.Host, r.Path, r.Endpoint, r.Query,
			strconv.Itoa(r.Status), strconv.FormatFloat(r.DurationMS, 'f', -1, 64), strconv.FormatInt(r.ReqBytes, 10), strconv.FormatInt(r.RespBytes, 10),
			r.ClientIP, string(attacks), string(context), r.Error,
		}
		if err := cw.Write(row); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}
