package workstation

import (
	"bytes"
	"crypto/rand"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"testing"
	"time"

	"github.com/spoorhq/spoor/store"
)

// TestExchangesLandInStore drives the real proxy, in front of a real
// upstream, through the real pipeline into a real bbolt file, and reads the
// file back after a clean stop.
func TestExchangesLandInStore(t *testing.T) {
	big := make([]byte, 5<<20)
	if _, err := rand.Read(big); err != nil {
		t.Fatal(err)
	}
	upstream := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/upload":
			n, _ := io.Copy(io.Discard, r.Body)
			fmt.Fprintf(w, `{"received":%d}`, n)
		case "/chunked":
			f := w.(http.Flusher)
			for i := range 3 {
				fmt.Fprintf(w, "chunk %d\n", i)
				f.Flush()
			}
		default:
			http.NotFound(w, r)
		}
	}))
	defer upstream.Close()

	db := filepath.Join(t.TempDir(), "capture.db")
	w, err := Open(Options{Store: db, Upstream: upstream.URL, Listen: "127.0.0.1:0"})
	if err != nil {
		t.Fatal(err)
	}
	base := "http://" + w.Addr()
	resp, err := http.Post(base+"/upload", "application/octet-stream", bytes.NewReader(big))
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if string(body) != fmt.Sprintf(`{"received":%d}`, len(big)) {
		t.Errorf("upload answered %q", body)
	}
	resp, err = http.Get(base + "/chunked")
	if err != nil {
		t.Fatal(err)
	}
	body, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	if string(body) != "chunk 0\nchunk 1\nchunk 2\n" {
		t.Errorf("chunked answered %q", body)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}

	st, err := store.Open(db, store.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if err := st.Check(); err != nil {
		t.Fatal(err)
	}
	sessions, err := st.Sessions(0)
	if err != nil || len(sessions) != 1 {
		t.Fatalf("sessions = %v, %v; want one (127.0.0.1 + Go-http-client)", sessions, err)
	}
	xs, err := st.Requests(sessions[0].ID)
	if err != nil || len(xs) != 2 {
		t.Fatalf("requests = %d, %v; want 2", len(xs), err)
	}
	upload, err := st.Exchange(xs[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	if upload.Method != "POST" || upload.Path != "/upload" || upload.Status != 200 {
		t.Errorf("upload exchange = %s %s %d", upload.Method, upload.Path, upload.Status)
	}
	if upload.ReqBody.Size != int64(len(big)) || !upload.ReqBody.Truncated || len(upload.ReqBody.Data) != 64<<10 ||
		!bytes.Equal(upload.ReqBody.Data, big[:64<<10]) {
		t.Errorf("upload body: size %d, truncated %v, %d bytes kept", upload.ReqBody.Size, upload.ReqBody.Truncated, len(upload.ReqBody.Data))
	}
	chunked, err := st.Exchange(xs[1].ID)
	if err != nil {
		t.Fatal(err)
	}
	if string(chunked.RespBody.Data) != "chunk 0\nchunk 1\nchunk 2\n" || chunked.Status != 200 {
		t.Errorf("chunked exchange: status %d, body %q", chunked.Status, chunked.RespBody.Data)
	}
}

// waitFor polls ok until it holds, failing the test after d.
func waitFor(t *testing.T, d time.Duration, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(d)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatal("condition not met in time")
		}
		time.Sleep(20 * time.Millisecond)
	}
}
