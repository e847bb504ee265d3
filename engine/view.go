package engine

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"net/url"
	"strconv"
	"strings"
)

// View reads request points out of one exchange. It parses each part (query,
// cookies, JSON bodies, JWT claims) at most once and only when a point asks
// for it, so that grouping a request with a session cookie never touches its
// body.
type View struct {
	x *Exchange

	query      url.Values
	queryDone  bool
	cookies    map[string]string
	cookieDone bool
	setCookies map[string]string
	setDone    bool
	reqJSON    any
	reqJSONOK  bool
	reqDone    bool
	respJSON   any
	respJSONOK bool
	respDone   bool
	claims     map[string]map[string]any // JWT claims by carrier point
}

// NewView returns a View over x. The view does not copy x; x must not change
// while the view is used.
func NewView(x *Exchange) *View { return &View{x: x} }

// Exchange returns the exchange the view reads.
func (v *View) Exchange() *Exchange { return v.x }

// Value returns the point's value in the exchange, or "" when the exchange
// does not carry it.
func (v *View) Value(p Point) string {
	x := v.x
	switch p.Kind {
	case PointIP:
		return x.ClientIP
	case PointUA:
		return x.UserAgent()
	case PointMethod:
		return x.Method
	case PointPath:
		return x.Path
	case PointHost:
		return x.Host
	case PointReqHeader:
		return x.ReqHeader(p.Name)
	case PointRespHeader:
		return x.RespHeader(p.Name)
	case PointReqCookie:
		return v.cookie(p.Name)
	case PointRespCookie:
		return v.setCookie(p.Name)
	case PointReqQuery:
		return v.queryValue(p.Name)
	case PointReqBearer:
		return bearerToken(x.ReqHeader("Authorization"))
	case PointReqBasic:
		return basicUser(x.ReqHeader("Authorization"))
	case PointReqJSON:
		if doc, ok := v.requestJSON(); ok {
			return jsonPathString(doc, p.Name)
		}
	case PointRespJSON:
		if doc, ok := v.responseJSON(); ok {
			return jsonPathString(doc, p.Name)
		}
	case PointReqJWT:
		return claimString(v.jwtClaims(p.Carrier), p.Name)
	}
	return ""
}

func (v *View) queryValue(name string) string {
	if !v.queryDone {
		v.queryDone = true
		if v.x.Query != "" {
			v.query, _ = url.ParseQuery(v.x.Query) // keeps the pairs that parse
		}
	}
	return v.query.Get(name)
}

func (v *View) cookie(name string) string {
	if !v.cookieDone {
		v.cookieDone = true
		for _, h := range v.x.ReqHeaders {
			if strings.EqualFold(h.Name, "Cookie") {
				v.cookies = parseCookieHeader(h.Value, v.cookies)
			}
		}
	}
	return v.cookies[name]
}

func (v *View) setCookie(name string) string {
	if !v.setDone {
		v.setDone = true
		for _, h := range v.x.RespHeaders {
			if strings.EqualFold(h.Name, "Set-Cookie") {
				pair, _, _ := strings.Cut(h.Value, ";")
				if v.setCookies == nil {
					v.setCookies = map[string]string{}
				}
				if k, val, ok := strings.Cut(pair, "="); ok {
					v.setCookies[strings.TrimSpace(k)] = strings.Trim(strings.TrimSpace(val), `"`)
				}
			}
		}
	}
	return v.setCookies[name]
}

func (v *View) requestJSON() (any, bool) {
	if !v.reqDone {
		v.reqDone = true
		v.reqJSON, v.reqJSONOK = decodeJSON(v.x.ReqBody.Data)
	}
	return v.reqJSON, v.reqJSONOK
}

func (v *View) responseJSON() (any, bool) {
	if !v.respDone {
		v.respDone = true
		v.respJSON, v.respJSONOK = decodeJSON(v.x.RespBody.Data)
	}
	return v.respJSON, v.respJSONOK
}

func (v *View) jwtClaims(carrier *Point) map[string]any {
	key := "req.bearer"
	if carrier != nil {
		key = carrier.raw
	}
	if c, ok := v.claims[key]; ok {
		return c
	}
	var token string
	if carrier == nil {
		token = bearerToken(v.x.ReqHeader("Authorization"))
	} else {
		token = v.Value(*carrier)
	}
	c := decodeJWTClaims(token)
	if v.claims == nil {
		v.claims = map[string]map[string]any{}
	}
	v.claims[key] = c
	return c
}

// parseCookieHeader adds the pairs of a Cookie header to m. Malformed pairs
// are skipped rather than failing the whole header, as browsers do.
func parseCookieHeader(h string, m map[string]string) map[string]string {
	for part := range strings.SplitSeq(h, ";") {
		k, val, ok := strings.Cut(part, "=")
		k = strings.TrimSpace(k)
		if !ok || k == "" {
			continue
		}
		if m == nil {
			m = map[string]string{}
		}
		if _, dup := m[k]; !dup {
			m[k] = strings.Trim(strings.TrimSpace(val), `"`)
		}
	}
	return m
}

func bearerToken(auth string) string {
	scheme, token, ok := strings.Cut(strings.TrimSpace(auth), " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return ""
	}
	return strings.TrimSpace(token)
}

func basicUser(auth string) string {
	scheme, cred, ok := strings.Cut(strings.TrimSpace(auth), " ")
	if !ok || !strings.EqualFold(scheme, "Basic") {
		return ""
	}
	cred = strings.TrimSpace(cred)
	if IsHashed(cred) {
		return cred // stored copies keep only the hash of the credentials
	}
	raw, err := base64.StdEncoding.DecodeString(cred)
	if err != nil {
		return ""
	}
	user, _, _ := strings.Cut(string(raw), ":")
	return user
}

func decodeJSON(b []byte) (any, bool) {
	b = bytes.TrimSpace(b)
	if len(b) == 0 || (b[0] != '{' && b[0] != '[') {
		return nil, false
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var doc any
	if err := dec.Decode(&doc); err != nil {
		return nil, false
	}
	return doc, true
}

// jsonPath walks a dotted path with numeric array indexes ("items.0.sku").
func jsonPath(doc any, path string) (any, bool) {
	cur := doc
	for seg := range strings.SplitSeq(path, ".") {
		switch node := cur.(type) {
		case map[string]any:
			next, ok := node[seg]
			if !ok {
				return nil, false
			}
			cur = next
		case []any:
			i, err := strconv.Atoi(seg)
			if err != nil || i < 0 || i >= len(node) {
				return nil, false
			}
			cur = node[i]
		default:
			return nil, false
		}
	}
	return cur, true
}

func jsonPathString(doc any, path string) string {
	val, ok := jsonPath(doc, path)
	if !ok {
		return ""
	}
	return scalarString(val)
}

// scalarString renders a JSON scalar as text; objects and arrays render as
// compact JSON so that a point on them still yields a stable value.
func scalarString(val any) string {
	switch t := val.(type) {
	case nil:
		return ""
	case string:
		return t
	case json.Number:
		return t.String()
	case float64:
		return strconv.FormatFloat(t, 'f', -1, 64)
	case bool:
		return strconv.FormatBool(t)
	default:
		b, err := json.Marshal(t)
		if err != nil {
			return ""
		}
		return string(b)
	}
}

// decodeJWTClaims decodes the payload of a compact JWS without verifying it:
// spoor uses claims to group and to label, never to authorise.
func decodeJWTClaims(token string) map[string]any {
	parts := strings.Split(token, ".")
	if len(parts) != 3 || parts[1] == "" {
		return nil
	}
	raw, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(parts[1], "="))
	if err != nil {
		return nil
	}
	doc, ok := decodeJSON(raw)
	if !ok {
		return nil
	}
	claims, _ := doc.(map[string]any)
	return claims
}

func claimString(claims map[string]any, name string) string {
	if claims == nil {
		return ""
	}
	if val, ok := claims[name]; ok {
		return scalarString(val)
	}
	if val, ok := jsonPath(claims, name); ok {
		return scalarString(val)
	}
	return ""
}
