package endpoints

import (
	"strings"

	"github.com/spoorhq/spoor/engine/inventory"
)

// Filter is the filter expression that lists the sessions that called
// endpoint e: its method, its host (when known) and its template, in the
// grammar of engine/filter. Values the grammar would split (a space, a
// "|", a quote) are quoted.
func Filter(e inventory.Endpoint) string {
	terms := []string{"method:" + quote(e.Method)}
	if e.Host != "" {
		terms = append(terms, "host:"+quote(e.Host))
	}
	terms = append(terms, "endpoint:"+quote(e.Template))
	return strings.Join(terms, " ")
}

// quote returns v as one filter value: as it is when nothing in it ends
// or splits a value, else in double quotes with \ and " escaped.
func quote(v string) string {
	if v != "" && !strings.ContainsAny(v, " \t\r\n|\"\\") {
		return v
	}
	r := strings.NewReplacer(`\`, `\\`, `"`, `\"`)
	return `"` + r.Replace(v) + `"`
}
