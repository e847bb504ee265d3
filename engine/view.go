package engine

import "strings"

// View reads request points out of one exchange. Each part that needs work
// (inflating a body, reading a multipart form, decoding a JWT, an MCP or a
// GraphQL request) is done at
// most once and only when a point asks for it, so that grouping a request
// by its session cookie never touches its body. Lookups in headers, cookies,
// queries and JSON bodies scan the captured bytes in place.
type View struct {
	x *Exchange

	req, resp bodyView
	form      []formField
	formKind  formKind
	formText  string // an urlencoded body as a string, scanned like a query
	formDone  bool
	jwts      []jwtEntry
	proto     protoCache

	carried     headerBits
	carriedDone bool
	// returned is the token the answer returns (see returnedToken),
	// looked up once for every key that reads the bearer.
	returned     string
	returnedDone bool
}

// headerBits are the headers that many points read (the cookie keys, the
// bearer and Basic keys), found in one pass over an exchange's headers:
// grouping tries a dozen of those keys on every request, and a request
// that sends no Cookie skips them all at once instead of scanning its
// headers for each.
type headerBits uint8

const (
	carriesCookie headerBits = 1 << iota
	carriesAuthorization
	carriesSetCookie
)

// bodyView is a body as points read it: inflated when it was compressed.
type bodyView struct {
	data []byte
	done bool
	buf  []byte // storage for the inflated body, kept across exchanges
}

// jwtEntry caches the decoded claims of the JWT held by one carrier.
type jwtEntry struct {
	carrier string // the carrier point's spelling, "" for the bearer token
	claims  []byte
	ok      bool
}

// NewView returns a View over x. The view does not copy x; x must not change
// while the view is used.
func NewView(x *Exchange) *View { return &View{x: x} }

// reset points the view at x, forgetting what it read from the previous
// exchange but keeping its buffers, so that the analyzer reuses one view.
func (v *View) reset(x *Exchange) {
	v.x = x
	v.req.reset()
	v.resp.reset()
	clear(v.form)
	v.form = v.form[:0]
	v.formKind, v.formText, v.formDone = formNone, "", false
	v.jwts = v.jwts[:0]
	v.proto = protoCache{}
	v.carried, v.carriedDone = 0, false
	v.returned, v.returnedDone = "", false
}

// carries reports whether the exchange has one of the headers in b.
func (v *View) carries(b headerBits) bool {
	if !v.carriedDone {
		v.carriedDone = true
		for _, h := range v.x.ReqHeaders {
			switch {
			case strings.EqualFold(h.Name, "Cookie"):
				v.carried |= carriesCookie
			case strings.EqualFold(h.Name, "Authorization"):
				v.carried |= carriesAuthorization
			}
		}
		for _, h := range v.x.RespHeaders {
			if strings.EqualFold(h.Name, "Set-Cookie") {
				v.carried |= carriesSetCookie
			}
		}
	}
	return v.carried&b != 0
}

func (b *bodyView) reset() {
	b.data, b.done = nil, false
}

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
		if v.carries(carriesCookie) {
			return cookieValue(x.ReqHeaders, p.Name)
		}
	case PointRespCookie:
		if v.carries(carriesSetCookie) {
			return setCookieValue(x.RespHeaders, p.Name)
		}
	case PointReqQuery:
		return queryValue(x.Query, p.Name)
	case PointReqForm:
		return v.formValue(p.Name)
	case PointReqBearer:
		if v.carries(carriesAuthorization) {
			return bearerToken(x.ReqHeader("Authorization"))
		}
	case PointReqBasic:
		if v.carries(carriesAuthorization) {
			return basicUser(x.ReqHeader("Authorization"))
		}
	case PointReqJSON:
		if raw, ok := jsonLookup(v.body(false), p.Name, false); ok {
			return jsonText(raw)
		}
	case PointRespJSON:
		if raw, ok := jsonLookup(v.body(true), p.Name, false); ok {
			return jsonText(raw)
		}
	case PointReqJWT:
		if claims, ok := v.jwt(p.Carrier); ok {
			return jwtClaim(claims, p.Name)
		}
	case PointReqGQL:
		return v.gqlValue(p.Name)
	case PointReqMCP:
		return v.mcpValue(p.Name)
	}
	return ""
}

// body returns the request or response body as points read it.
func (v *View) body(resp bool) []byte {
	bv, b, hs := &v.req, &v.x.ReqBody, v.x.ReqHeaders
	if resp {
		bv, b, hs = &v.resp, &v.x.RespBody, v.x.RespHeaders
	}
	if !bv.done {
		bv.done = true
		bv.data = b.Data
		if c := bodyCodec(hs, b.Data); c != codecNone {
			if out, ok := inflate(c, b.Data, bv.buf, b.Truncated); ok {
				bv.data, bv.buf = out, out
			}
		}
	}
	return bv.data
}

func (v *View) formValue(name string) string {
	if !v.formDone {
		v.formDone = true
		body := v.body(false)
		var boundary string
		v.formKind, boundary = requestFormKind(v.x.ReqHeaders, body)
		switch v.formKind {
		case formURLEncoded:
			v.formText = string(body)
		case formMultipart:
			v.form = multipartFields(body, boundary, v.form)
		}
	}
	if v.formKind == formURLEncoded {
		return queryValue(v.formText, name)
	}
	return fieldValue(v.form, name)
}

// jwt returns the decoded claims of the bearer token, or of the token held
// by carrier.
func (v *View) jwt(carrier *Point) ([]byte, bool) {
	key := ""
	if carrier != nil {
		key = carrier.raw
	}
	for i := range v.jwts {
		if v.jwts[i].carrier == key {
			return v.jwts[i].claims, v.jwts[i].ok
		}
	}
	var token string
	if carrier == nil {
		token = bearerCredential(v.x.ReqHeader("Authorization"))
	} else {
		token = carriedToken(v.Value(*carrier))
	}
	return v.decodeJWT(key, token)
}

// jwtOf returns the decoded claims of token, cached under key.
func (v *View) jwtOf(key, token string) ([]byte, bool) {
	for i := range v.jwts {
		if v.jwts[i].carrier == key {
			return v.jwts[i].claims, v.jwts[i].ok
		}
	}
	return v.decodeJWT(key, token)
}

// decodeJWT decodes token's claims and caches them under key.
func (v *View) decodeJWT(key, token string) ([]byte, bool) {
	// Reuse the claims buffer of an entry left over from an earlier exchange.
	var buf []byte
	if n := len(v.jwts); n < cap(v.jwts) {
		buf = v.jwts[:n+1][n].claims[:0]
	}
	claims, ok := jwtPayload(token, buf)
	v.jwts = append(v.jwts, jwtEntry{carrier: key, claims: claims, ok: ok})
	return claims, ok
}
