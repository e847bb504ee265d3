package engine

import (
	"encoding/json"
	"net/url"
	"sort"
	"strconv"
	"strings"
)

// Bounds on what PointsOf names in one exchange: a hostile body (a deep or
// wide JSON document, a form with thousands of fields) costs a bounded
// amount of work and adds a bounded number of names.
const (
	maxSeenDepth    = 6
	maxSeenPerBody  = 64
	maxSeenPerQuery = 64
)

// SeenPoint is a request point the traffic carried and in how many of the
// exchanges looked at it had a value.
type SeenPoint struct {
	Point string
	Count int
}

// PointsOf calls add with the name of every request point x carries, once
// each: header, cookie, query and form names, bearer and Basic
// credentials, the claims of a bearer JWT, the leaf paths of JSON request
// and response bodies (array elements by their first index, "items.0.sku"),
// GraphQL operation and variable names, MCP fields, and the headers and
// cookies a response sets, leaving out names that hold a hash. It names
// points, never values, and reads what is stored as well as what is
// captured: a stored bearer JWT keeps its claims, a stored cookie its
// name. Body points need x's bodies loaded.
func PointsOf(x *Exchange, add func(point string)) {
	seen := map[string]bool{}
	put := func(p string) {
		// A name that holds a hash was a value the analyzer hashed (a
		// user name used as a JSON member name): no point to offer.
		if strings.Contains(p, hashPrefix) {
			return
		}
		if !seen[p] {
			seen[p] = true
			add(p)
		}
	}
	v := NewView(x)
	for _, h := range x.ReqHeaders {
		switch strings.ToLower(h.Name) {
		case "cookie":
			cookieNames(h.Value, func(n string) { put("req.cookie." + n) })
		case "authorization":
			put("req.header." + h.Name)
			switch scheme, _, _ := strings.Cut(strings.TrimSpace(h.Value), " "); {
			case strings.EqualFold(scheme, "Bearer"):
				put("req.bearer")
				if claims, ok := v.jwt(nil); ok {
					claimNames(claims, func(n string) { put("req.jwt." + n) })
				}
			case strings.EqualFold(scheme, "Basic"):
				put("req.basic")
			}
		case "host", "content-length", "connection", "accept-encoding":
		default:
			put("req.header." + h.Name)
		}
	}
	queryNames(x.Query, func(n string) { put("req.query." + n) })
	for _, h := range x.RespHeaders {
		if strings.EqualFold(h.Name, "Set-Cookie") {
			if name, _, ok := strings.Cut(h.Value, "="); ok && strings.TrimSpace(name) != "" {
				put("resp.cookie." + strings.TrimSpace(name))
			}
			continue
		}
		put("resp.header." + h.Name)
	}
	if body := v.body(false); len(body) > 0 {
		if looksLikeJSON(body) {
			jsonLeaves(body, func(p string) { put("req.json." + p) }, maxSeenDepth)
		} else if v.formValue(""); v.formKind == formURLEncoded {
			queryNames(v.formText, func(n string) { put("req.form." + n) })
		} else {
			for i, f := range v.form {
				if i == maxSeenPerQuery {
					break
				}
				put("req.form." + f.name)
			}
		}
	}
	if body := v.body(true); looksLikeJSON(body) {
		jsonLeaves(body, func(p string) { put("resp.json." + p) }, maxSeenDepth)
	}
	if x.GQL != nil {
		put("req.gql.operation")
		put("req.gql.type")
		gqlVariables(v.body(false), func(n string) { put("req.gql.var." + n) })
	}
	if x.MCP != nil {
		put("req.mcp.method")
		put("req.mcp.name")
		put("req.mcp.session")
	}
}

// cookieNames calls add with the name of each pair of a Cookie header.
func cookieNames(header string, add func(string)) {
	for i := 0; header != "" && i < maxSeenPerQuery; i++ {
		var pair string
		pair, header, _ = strings.Cut(header, ";")
		if name, _, ok := strings.Cut(pair, "="); ok && strings.TrimSpace(name) != "" {
			add(strings.TrimSpace(name))
		}
	}
}

// queryNames calls add with the decoded names of a query string or an
// urlencoded form; a name without "=" has no value to read.
func queryNames(raw string, add func(string)) {
	for i := 0; raw != "" && i < maxSeenPerQuery; i++ {
		var pair string
		pair, raw, _ = strings.Cut(raw, "&")
		name, _, ok := strings.Cut(pair, "=")
		if n, err := url.QueryUnescape(name); ok && err == nil && n != "" {
			add(n)
		}
	}
}

// jsonLeaves calls add with the dotted path of each scalar in a JSON
// document, members in sorted order, arrays by their first element, down
// to depth levels and at most maxSeenPerBody paths. A body truncated at
// the capture cap or not JSON at all names nothing.
func jsonLeaves(data []byte, add func(string), depth int) {
	var doc any
	if json.Unmarshal(data, &doc) != nil {
		return
	}
	n := 0
	var walk func(v any, path string, left int)
	walk = func(v any, path string, left int) {
		if n >= maxSeenPerBody {
			return
		}
		join := func(seg string) string {
			if path == "" {
				return seg
			}
			return path + "." + seg
		}
		switch t := v.(type) {
		case map[string]any:
			if left == 0 {
				return
			}
			keys := make([]string, 0, len(t))
			for k := range t {
				if k != "" && !strings.Contains(k, ".") {
					keys = append(keys, k)
				}
			}
			sort.Strings(keys)
			for _, k := range keys {
				walk(t[k], join(k), left-1)
			}
		case []any:
			if left > 0 && len(t) > 0 {
				walk(t[0], join(strconv.Itoa(0)), left-1)
			}
		default:
			if path != "" {
				n++
				add(path)
			}
		}
	}
	walk(doc, "", depth)
}

// claimNames calls add with the names of a JWT's claims, namespaced ones
// ("https://example.com/roles") included, which req.jwt.<claim> reads
// whole.
func claimNames(claims []byte, add func(string)) {
	var m map[string]json.RawMessage
	if json.Unmarshal(claims, &m) != nil {
		return
	}
	names := make([]string, 0, len(m))
	for k := range m {
		if k != "" {
			names = append(names, k)
		}
	}
	sort.Strings(names)
	for _, k := range names[:min(len(names), maxSeenPerQuery)] {
		add(k)
	}
}

// gqlVariables calls add with the variable names of a GraphQL request
// body: the members of its "variables" object.
func gqlVariables(body []byte, add func(string)) {
	var req struct {
		Variables map[string]json.RawMessage `json:"variables"`
	}
	if !looksLikeJSON(body) || json.Unmarshal(body, &req) != nil {
		return
	}
	names := make([]string, 0, len(req.Variables))
	for k := range req.Variables {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names[:min(len(names), maxSeenPerQuery)] {
		add(k)
	}
}

// SortedPoints turns a tally of points into SeenPoints sorted by point.
func SortedPoints(counts map[string]int) []SeenPoint {
	out := make([]SeenPoint, 0, len(counts))
	for p, n := range counts {
		out = append(out, SeenPoint{Point: p, Count: n})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Point < out[j].Point })
	return out
}
