package store

import (
	"errors"
	"reflect"
	"testing"
	"time"

	"github.com/spoorhq/spoor/engine"
)

// storedElsewhere lists the Exchange fields the record does not hold: the
// id is the key, the session and key point are the generation's assignment,
// and body data lives in the bodies bucket.
func clearStoredElsewhere(x *engine.Exchange) {
	x.SessionID, x.KeyPoint, x.Delivery = "", "", ""
	x.ReqBody.Data, x.RespBody.Data = nil, nil
}

// TestExchangeCodecCoversEveryField fills every field of engine.Exchange by
// reflection, so that a field added to the engine and forgotten here fails
// this test instead of silently vanishing from stored exchanges.
func TestExchangeCodecCoversEveryField(t *testing.T) {
	var x engine.Exchange
	fill(t, reflect.ValueOf(&x).Elem(), "Exchange")
	x.ID = 42
	got, err := decodeExchange(42, appendExchange(nil, &x))
	if err != nil {
		t.Fatal(err)
	}
	want := x
	clearStoredElsewhere(&want)
	wv, gv := reflect.ValueOf(want), reflect.ValueOf(got)
	for i := range wv.NumField() {
		if !reflect.DeepEqual(wv.Field(i).Interface(), gv.Field(i).Interface()) {
			t.Errorf("field %s: stored %v, read back %v; add it to appendExchange and decodeExchange",
				wv.Type().Field(i).Name, wv.Field(i).Interface(), gv.Field(i).Interface())
		}
	}
}

// TestSessionCodecCoversEveryField does for engine.Session what
// TestExchangeCodecCoversEveryField does for engine.Exchange.
func TestSessionCodecCoversEveryField(t *testing.T) {
	var s engine.Session
	fill(t, reflect.ValueOf(&s).Elem(), "Session")
	b, err := appendSession(nil, &s, sessionHeader{})
	if err != nil {
		t.Fatal(err)
	}
	got, err := decodeSession(b)
	if err != nil {
		t.Fatal(err)
	}
	wv, gv := reflect.ValueOf(s), reflect.ValueOf(got)
	for i := range wv.NumField() {
		if !reflect.DeepEqual(wv.Field(i).Interface(), gv.Field(i).Interface()) {
			t.Errorf("field %s: stored %v, read back %v; add it to appendSession and decodeSession",
				wv.Type().Field(i).Name, wv.Field(i).Interface(), gv.Field(i).Interface())
		}
	}
}

// TestSessionWithoutActivity reads a summary written before the activity
// buckets and endpoints were stored: it ends at the extras, and reads back
// whole, with no activity.
func TestSessionWithoutActivity(t *testing.T) {
	var s engine.Session
	fill(t, reflect.ValueOf(&s).Elem(), "Session")
	b, err := appendSession(nil, &s, sessionHeader{})
	if err != nil {
		t.Fatal(err)
	}
	old := b[:len(b)-len(appendActivity(nil, &s))]
	got, err := decodeSession(old)
	if err != nil {
		t.Fatal(err)
	}
	want := s
	want.Activity, want.Endpoints = engine.Activity{}, nil
	if !reflect.DeepEqual(got, want) {
		t.Errorf("old record read back as\n%+v\nwant\n%+v", got, want)
	}
}

// fill sets v and everything inside it to a non-zero value.
func fill(t *testing.T, v reflect.Value, path string) {
	t.Helper()
	if v.Type() == reflect.TypeFor[time.Time]() {
		v.Set(reflect.ValueOf(time.Date(2026, 11, 24, 10, 0, 0, 123456789, time.UTC)))
		return
	}
	switch v.Kind() {
	case reflect.String:
		v.SetString(path)
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		v.SetInt(int64(len(path)))
	case reflect.Float32, reflect.Float64:
		v.SetFloat(float64(len(path)) / 4)
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		v.SetUint(uint64(len(path)))
	case reflect.Bool:
		v.SetBool(true)
	case reflect.Slice:
		s := reflect.MakeSlice(v.Type(), 2, 2)
		for i := range 2 {
			fill(t, s.Index(i), path+"[]")
		}
		v.Set(s)
	case reflect.Array:
		for i := range v.Len() {
			fill(t, v.Index(i), path+"[]")
		}
	case reflect.Pointer:
		p := reflect.New(v.Type().Elem())
		fill(t, p.Elem(), path)
		v.Set(p)
	case reflect.Map:
		m := reflect.MakeMap(v.Type())
		k, e := reflect.New(v.Type().Key()).Elem(), reflect.New(v.Type().Elem()).Elem()
		fill(t, k, path+".key")
		fill(t, e, path+".value")
		m.SetMapIndex(k, e)
		v.Set(m)
	case reflect.Struct:
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				fill(t, v.Field(i), path+"."+v.Type().Field(i).Name)
			}
		}
	default:
		t.Fatalf("%s: cannot fill a %s; teach fill and the codec about it", path, v.Kind())
	}
}

func TestExchangeCodecRoundTrip(t *testing.T) {
	paris := time.FixedZone("", 3600)
	tests := []struct {
		name string
		x    engine.Exchange
	}{
		{"zero", engine.Exchange{}},
		{"utc", engine.Exchange{Start: time.Date(2026, 1, 2, 3, 4, 5, 6, time.UTC), Method: "GET", Path: "/", Status: 200}},
		{"offset zone", engine.Exchange{Start: time.Date(2026, 1, 2, 3, 4, 5, 6, paris), Duration: -time.Second, Status: -1}},
		{"before 1970", engine.Exchange{Start: time.Date(1901, 1, 2, 3, 4, 5, 999, time.UTC)}},
		{"binary strings", engine.Exchange{Path: "/a\x00b\xff", ReqHeaders: []engine.Header{{Name: "", Value: ""}, {Name: "X", Value: "\x00"}}}},
		{"bodies", engine.Exchange{ReqBody: engine.Body{Size: 1 << 40, Truncated: true}, RespBody: engine.Body{Size: 0, Truncated: false}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := decodeExchange(7, appendExchange(nil, &tt.x))
			if err != nil {
				t.Fatal(err)
			}
			want := tt.x
			want.ID = 7
			if !got.Start.Equal(want.Start) {
				t.Errorf("start %v, want %v", got.Start, want.Start)
			}
			_, gotOff := got.Start.Zone()
			_, wantOff := want.Start.Zone()
			if gotOff != wantOff {
				t.Errorf("zone offset %d, want %d", gotOff, wantOff)
			}
			got.Start, want.Start = time.Time{}, time.Time{}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("got %+v\nwant %+v", got, want)
			}
		})
	}
}

func TestDecodeExchangeRejectsDamage(t *testing.T) {
	x := engine.Exchange{Method: "GET", Path: "/users/1", ReqHeaders: []engine.Header{{Name: "A", Value: "b"}}}
	good := appendExchange(nil, &x)
	tests := []struct {
		name string
		b    []byte
	}{
		{"empty", nil},
		{"json of schema 1", []byte(`{"id":1}`)},
		{"unknown version", append([]byte{9}, good[1:]...)},
		{"length past the end", append(append([]byte(nil), good[:len(good)-3]...), 0xff, 0xff, 0x7f)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := decodeExchange(1, tt.b); !errors.Is(err, ErrCorrupt) {
				t.Errorf("err = %v, want ErrCorrupt", err)
			}
		})
	}
}

// FuzzDecodeExchange feeds damaged records to the decoder, which must
// return an error rather than panic or allocate without bound, and checks
// that every record it accepts survives a second round trip unchanged and
// decodes in part (a scan's decode) as it does whole, less the parts
// skipped, and into a borrowing scan's buffer as it does alone.
func FuzzDecodeExchange(f *testing.F) {
	x := exchange(time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC), "192.0.2.1", "/a", 200)
	x.Context = map[string]string{"req.json.user": "alice"}
	x.Flows = []string{"Auth"}
	f.Add(appendExchange(nil, x))
	f.Add([]byte{exchangeCodec})
	f.Fuzz(func(t *testing.T, b []byte) {
		x, err := decodeExchange(1, b)
		var buf scanBuffer
		buf.record([]byte("a record decoded before"))
		for _, parts := range []Parts{0, PartHeaders, PartContext, PartExtras, allParts} {
			part, partErr := decodeExchangeParts(1, b, parts)
			borrowed, borrowErr := decodeExchangeInto(1, b, parts, &buf)
			if (partErr == nil) != (borrowErr == nil) || partErr == nil && !reflect.DeepEqual(part, borrowed) {
				t.Fatalf("parts %b: into a scan's buffer\n%+v, %v\nnot\n%+v, %v", parts, borrowed, borrowErr, part, partErr)
			}
			if err != nil {
				continue // a skipped part may hide the damage; no panic is all
			}
			if partErr != nil {
				t.Fatalf("parts %b: %v, though the whole record decodes", parts, partErr)
			}
			want := x
			if parts&PartHeaders == 0 {
				want.ReqHeaders, want.RespHeaders = nil, nil
			}
			if parts&PartContext == 0 {
				want.Context = nil
			}
			if parts&PartExtras == 0 {
				want.MCP, want.GQL, want.WS = nil, nil, nil
			}
			if !reflect.DeepEqual(part, want) {
				t.Fatalf("parts %b decode\n%+v\nnot\n%+v", parts, part, want)
			}
		}
		if err != nil {
			return
		}
		again, err := decodeExchange(1, appendExchange(nil, &x))
		if err != nil {
			t.Fatalf("re-encoded record does not decode: %v", err)
		}
		if !again.Start.Equal(x.Start) {
			t.Fatalf("start changed: %v, then %v", x.Start, again.Start)
		}
		again.Start, x.Start = time.Time{}, time.Time{}
		if !reflect.DeepEqual(again, x) {
			t.Fatalf("round trip changed the exchange:\n%+v\n%+v", x, again)
		}
	})
}

func TestSessionRecordEntries(t *testing.T) {
	s := engine.Session{ID: "abc-1", User: "alice", LastSeen: time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC)}
	entries := []indexEntry{{bucket: genLastSeen, key: lastSeenKey(s.LastSeen, s.ID)}, {bucket: "s:user", key: []byte("\x05aliceabc-1")}}
	b, err := appendSession(nil, &s, sessionHeader{first: 3, last: 1 << 40, count: 7, entries: entries})
	if err != nil {
		t.Fatal(err)
	}
	h, _, err := readSessionHeader(b)
	if err != nil {
		t.Fatal(err)
	}
	if h.first != 3 || h.last != 1<<40 || h.count != 7 {
		t.Errorf("header = %+v", h)
	}
	if got := h.entries; len(got) != 2 || !containsEntry(got, entries[0]) || !containsEntry(got, entries[1]) {
		t.Errorf("entries = %q", got)
	}
	back, err := decodeSession(b)
	if err != nil || back.ID != s.ID || back.User != "alice" {
		t.Errorf("session = %+v, %v", back, err)
	}
	if _, err := decodeSession(b[:5]); !errors.Is(err, ErrCorrupt) {
		t.Errorf("truncated record: err = %v, want ErrCorrupt", err)
	}
}

func TestSortableTimeOrders(t *testing.T) {
	times := []time.Time{
		{}, // clamped to the earliest key
		time.Date(1969, 12, 31, 23, 59, 59, 0, time.UTC),
		time.Unix(0, 0),
		time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC),
		time.Date(2300, 1, 1, 0, 0, 0, 0, time.UTC),
	}
	for i := 1; i < len(times); i++ {
		if sortableTime(times[i-1]) >= sortableTime(times[i]) {
			t.Errorf("%v does not sort before %v", times[i-1], times[i])
		}
	}
}

// TestExchangeCodecReadsRecordsWithoutExamined decodes a record as spoor
// wrote it before it recorded examinations: the fields it has read back,
// and Examined is empty rather than an error.
func TestExchangeCodecReadsRecordsWithoutExamined(t *testing.T) {
	x := engine.Exchange{Method: "GET", Path: "/a", Status: 200, Examined: engine.ExaminedTier1 | engine.ExaminedCRS,
		Attacks: []engine.AttackTag{{Type: "sqli", Point: "req.query.q", Rule: "crs-942100"}}}
	b := appendExchange(nil, &x)
	got, err := decodeExchange(7, b)
	if err != nil {
		t.Fatal(err)
	}
	if got.Examined != x.Examined {
		t.Fatalf("examined %v, want %v", got.Examined.Names(), x.Examined.Names())
	}
	// The examination is the byte before the fields that came after it.
	tail := len(appendMuted(appendString(nil, x.BlockedBy), x.Attacks))
	node := len(appendString(nil, x.Node))
	later := len(appendString(nil, x.SpecStatus)) + node + tail
	if got, err := decodeExchange(7, b[:len(b)-tail-node]); err != nil || got.Examined != x.Examined || got.Node != "" || got.SpecStatus != x.SpecStatus {
		t.Fatalf("record without node read as %+v, %v", got, err)
	}
	old, err := decodeExchange(7, b[:len(b)-later-1])
	if err != nil {
		t.Fatalf("record without examined: %v", err)
	}
	if old.Examined != 0 || old.Path != "/a" || len(old.Attacks) != 1 {
		t.Fatalf("record without examined read as %+v", old)
	}
}

// TestExchangeCodecReadsRecordsWithoutSpecStatus decodes a record written
// before the specification's status was stored: it reads back whole, with
// no status.
func TestExchangeCodecReadsRecordsWithoutSpecStatus(t *testing.T) {
	x := engine.Exchange{Method: "GET", Path: "/a", Status: 200, Examined: engine.ExaminedTier1, SpecStatus: "shadow"}
	b := appendExchange(nil, &x)
	got, err := decodeExchange(7, b)
	if err != nil || got.SpecStatus != "shadow" {
		t.Fatalf("spec status %q (%v), want shadow", got.SpecStatus, err)
	}
	old, err := decodeExchange(7, b[:len(b)-len(appendString(nil, x.SpecStatus))-len(appendString(nil, x.Node))-len(appendMuted(appendString(nil, x.BlockedBy), x.Attacks))])
	if err != nil {
		t.Fatalf("record without a spec status: %v", err)
	}
	if old.SpecStatus != "" || old.Examined != x.Examined || old.Path != "/a" {
		t.Fatalf("record without a spec status read as %+v", old)
	}
}

// TestExchangeCodecReadsRecordsWithoutBlockedBy decodes a record as spoor
// wrote it before rules: examined is kept, blocked_by is empty and no tag
// is muted.
func TestExchangeCodecReadsRecordsWithoutBlockedBy(t *testing.T) {
	x := engine.Exchange{Method: "GET", Path: "/a", Status: 403, Examined: engine.ExaminedTier1, BlockedBy: "block-mallory",
		Attacks: []engine.AttackTag{{Type: "xss", Point: "req.query.q", Rule: "libinjection-xss", MutedBy: "fp-q"}, {Type: "sqli"}}}
	b := appendExchange(nil, &x)
	got, err := decodeExchange(7, b)
	if err != nil {
		t.Fatal(err)
	}
	if got.BlockedBy != x.BlockedBy || got.Attacks[0].MutedBy != "fp-q" || got.Attacks[1].Muted() {
		t.Fatalf("read back %+v", got)
	}
	old, err := decodeExchange(7, b[:len(b)-len(appendMuted(appendString(nil, x.BlockedBy), x.Attacks))])
	if err != nil {
		t.Fatalf("record without blocked_by: %v", err)
	}
	if old.Examined != x.Examined || old.BlockedBy != "" || old.Attacks[0].Muted() {
		t.Fatalf("record without blocked_by read as %+v", old)
	}
}
