package inventory

import (
	"testing"
	"time"

	"github.com/spoorhq/spoor/engine"
)

// FuzzObserve feeds arbitrary query strings, bodies and content types to
// the parameter readers, and arbitrary bytes to Restore: counts or an
// error, never a panic, and never a parameter value kept as a name.
func FuzzObserve(f *testing.F) {
	f.Add("a=1&b=x%20y&c", `{"k":[1],"n":null,"s":"a@b.co"}`, "application/json", []byte(`{"v":1}`))
	f.Add("%zz=1&&=&x=%", "a=1&b=%41", "application/x-www-form-urlencoded", []byte("{"))
	f.Fuzz(func(t *testing.T, query, body, contentType string, stored []byte) {
		inv := New(nil)
		inv.Track()
		x := &engine.Exchange{Method: "POST", Host: "h", Path: "/p", Query: query, Start: time.Unix(1, 0), Duration: time.Millisecond,
			ReqHeaders: []engine.Header{{Name: "Content-Type", Value: contentType}}, ReqBody: engine.Body{Data: []byte(body)}}
		inv.Observe(x, nil)
		rows := inv.Snapshot()
		if len(rows) != 1 || rows[0].Requests != 1 || len(rows[0].Params) > maxParams {
			t.Fatalf("rows %+v", rows)
		}
		var encoded []byte
		if err := inv.TakeChanges(func(_, v []byte) { encoded = v }); err != nil {
			t.Fatal(err)
		}
		if err := New(nil).Restore(encoded); err != nil {
			t.Fatalf("an encoded row does not restore: %v", err)
		}
		_ = New(nil).Restore(stored)
	})
}
