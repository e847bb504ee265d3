package export

import (
	"bytes"
	"encoding/csv"
	"testing"
	"time"

	"github.com/spoorhq/spoor/engine"
)

func TestExporterFormats(t *testing.T) {
	x := engine.Exchange{ID: 7, SessionID: "s-1", Start: time.Unix(0, 0).UTC(), Method: "GET", Host: "api", Path: "/users/42", Query: "q=1", Status: 404}
	s := &Session{
		Session:  engine.Session{ID: "s-1"},
		Requests: []engine.Exchange{x},
		Each:     func(fn func(*engine.Exchange) error) error { return fn(&x) },
	}
	for _, f := range append(Formats(), "HAR", "Json") {
		write, err := Exporter(f)
		if err != nil {
			t.Fatalf("Exporter(%q): %v", f, err)
		}
		var buf bytes.Buffer
		if err := write(&buf, s); err != nil || buf.Len() == 0 {
			t.Errorf("%s: wrote %d bytes, err %v", f, buf.Len(), err)
		}
	}
	if _, err := Exporter("xml"); err == nil {
		t.Error(`Exporter("xml") accepted an unknown format`)
	}
	var buf bytes.Buffer
	if err := WriteCSV(&buf, s); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(&buf).ReadAll()
	if err != nil || len(rows) != 2 || rows[1][6] != "/users/{id}" || rows[1][8] != "404" {
		t.Errorf("csv rows %q, err %v; want a header and one row with endpoint /users/{id} and status 404", rows, err)
	}
}
