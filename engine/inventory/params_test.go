package inventory

import (
	"cmp"
	"slices"
	"strings"
	"testing"

	"github.com/spoorhq/spoor/engine"
)

// TestParamNamesAreNeverValues feeds names that are values — a query token
// with no "=", JSON objects keyed by emails and ids, a form field named by
// a number — and checks that the inventory records placeholders for them
// and keeps the names that read as identifiers.
func TestParamNamesAreNeverValues(t *testing.T) {
	for _, tt := range []struct {
		name        string
		query       string
		contentType string
		body        string
		want        []Param
	}{
		{
			name:  "query token without a value",
			query: "eyJhbGciOiJIUzI1NiJ9abc123XYZ&page=2",
			want:  []Param{{Name: NameToken, In: "query", Kind: KindString}, {Name: "page", In: "query", Kind: KindInt}},
		},
		{
			name:  "query names kept",
			query: "utm_source=x&filter[status]=open&sort.by=name&item-2=1&utm_campaign_2024_q1=y",
			want: []Param{
				{Name: "utm_source", In: "query", Kind: KindString}, {Name: "filter[status]", In: "query", Kind: KindString},
				{Name: "sort.by", In: "query", Kind: KindString}, {Name: "item-2", In: "query", Kind: KindInt},
				{Name: "utm_campaign_2024_q1", In: "query", Kind: KindString},
			},
		},
		{
			name:  "query email, uuid, number and free text",
			query: "alice%40example.com&6f1c9a2e-3b4d-4e5f-8a9b-0c1d2e3f4a5b&12345&a%20secret%20phrase",
			want: []Param{
				{Name: NameEmail, In: "query", Kind: KindString}, {Name: NameUUID, In: "query", Kind: KindString},
				{Name: NameInt, In: "query", Kind: KindString}, {Name: NameValue, In: "query", Kind: KindString},
			},
		},
		{
			name:  "query name too long to be one",
			query: "averyveryveryverylongparameternamethatgoesonandon=1",
			want:  []Param{{Name: NameValue, In: "query", Kind: KindInt}},
		},
		{
			name:        "json keyed by emails and ids",
			contentType: "application/json",
			body:        `{"bob@example.com":1,"507f1f77bcf86cd799439011":{"a":1},"42":true,"name":"x"}`,
			want: []Param{
				{Name: NameInt, In: "json", Kind: KindBool}, {Name: NameToken, In: "json", Kind: KindObject},
				{Name: NameEmail, In: "json", Kind: KindInt}, {Name: "name", In: "json", Kind: KindString},
			},
		},
		{
			name:        "form keyed by a number",
			contentType: "application/x-www-form-urlencoded",
			body:        "1001=on&2.5=x&user=bob",
			want: []Param{
				{Name: NameInt, In: "form", Kind: KindString}, {Name: NameNumber, In: "form", Kind: KindString},
				{Name: "user", In: "form", Kind: KindString},
			},
		},
	} {
		t.Run(tt.name, func(t *testing.T) {
			inv := New(nil)
			x := exchange("POST", "/items", 200, 0, "s1")
			x.Query = tt.query
			if tt.body != "" {
				x.ReqHeaders = []engine.Header{{Name: "Content-Type", Value: tt.contentType}}
				x.ReqBody = engine.Body{Data: []byte(tt.body), Size: int64(len(tt.body))}
			}
			inv.Observe(x, &engine.Session{ID: "s1"})
			rows := inv.Snapshot()
			if len(rows) != 1 {
				t.Fatalf("%d rows", len(rows))
			}
			got := rows[0].Params
			byName := func(a, b Param) int {
				return cmp.Or(strings.Compare(a.In, b.In), strings.Compare(a.Name, b.Name))
			}
			slices.SortFunc(got, byName)
			want := slices.Clone(tt.want)
			slices.SortFunc(want, byName)
			if !slices.Equal(got, want) {
				t.Errorf("params %+v\nwant %+v", got, want)
			}
		})
	}
}

// TestParamNamePlaceholdersRoundTrip checks that a placeholder is kept as
// it is, so that an inventory restored from the store reads back the same.
func TestParamNamePlaceholdersRoundTrip(t *testing.T) {
	for _, n := range []string{NameInt, NameNumber, NameUUID, NameEmail, NameToken, NameValue} {
		if got := paramName(n); got != n {
			t.Errorf("paramName(%q) = %q", n, got)
		}
	}
}
