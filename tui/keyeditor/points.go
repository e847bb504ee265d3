package keyeditor

import (
	"net/url"
	"strings"

	"github.com/spoorhq/spoor/engine"
)

// PointsOf lists the request points an exchange offers as grouping keys:
// its header, cookie and query names. The editor completes from them, so
// the user picks from what the traffic really carries.
func PointsOf(x *engine.Exchange) []string {
	var out []string
	for _, h := range x.ReqHeaders {
		switch strings.ToLower(h.Name) {
		case "cookie":
			for _, c := range strings.Split(h.Value, ";") {
				if name, _, ok := strings.Cut(strings.TrimSpace(c), "="); ok && name != "" {
					out = append(out, "req.cookie."+name)
				}
			}
		case "host", "content-length", "connection", "accept-encoding":
		default:
			out = append(out, "req.header."+h.Name)
		}
	}
	if q, err := url.ParseQuery(x.Query); err == nil {
		for name := range q {
			out = append(out, "req.query."+name)
		}
	}
	return out
}
