package engine

// A login that answers with a token opens the session that token then
// identifies: the app that logs in and sends the token as its bearer shows
// as one session, not as a one-request login keyed by the cookie the same
// answer sets beside the token. Grouping reads the returned token as the
// request's bearer (see View.keyValue), so the keys that read the bearer
// (req.jwt.sub+req.jwt.iss, req.bearer) give the login the identity its
// later requests get; and the session cookies that answer sets become
// aliases of that identity (see Sessionizer.identify), so that a browser
// that goes on with the cookie instead of the token stays in that session
// too.

// returnedTokenPoints are the response members a login or token endpoint
// answers with the credential the client sends next. Each is also a secret
// point: stored hashed, in the form a bearer JWT is stored in (see
// Hasher.RedactToken), so that a regroup of stored history reads the same
// claims. They are spelt out rather than parsed (TestReturnedTokenPoints
// parses them) so that KeyList.Identify builds them on its stack.
// An OIDC id_token is not among them: it carries the user's personal
// claims (email, name), is rarely sent back as a bearer, and is stored
// hashed whole (secretPoints).
func returnedTokenPoints() [5]Point {
	return [5]Point{
		{Kind: PointRespJSON, Name: "token", raw: "resp.json.token"},
		{Kind: PointRespJSON, Name: "access_token", raw: "resp.json.access_token"},
		{Kind: PointRespJSON, Name: "jwt", raw: "resp.json.jwt"},
		{Kind: PointRespJSON, Name: "data.token", raw: "resp.json.data.token"},
		{Kind: PointRespJSON, Name: "data.access_token", raw: "resp.json.data.access_token"},
	}
}

// returnedCarrier is the JWT cache key of the returned token in a View.
const returnedCarrier = "\x00returned"

// readsBearer reports whether p reads the bearer token of the request.
func readsBearer(p Point) bool {
	return p.Kind == PointReqBearer || (p.Kind == PointReqJWT && p.Carrier == nil)
}

// returnedToken is the token a successful answer returns in one of the
// members tokens names, or "".
func (v *View) returnedToken(tokens []Point) string {
	if v.returnedDone {
		return v.returned
	}
	v.returnedDone = true
	if v.x.Status < 200 || v.x.Status > 299 || len(v.x.RespBody.Data) == 0 || !v.signsIn() {
		return ""
	}
	for _, p := range tokens {
		if tok := v.Value(p); tok != "" {
			v.returned = tok
			return tok
		}
	}
	return ""
}

// keyValue is Value as grouping reads it: a point that reads the bearer
// token reads, in a request that sends none, the token its answer returns
// (returned is then true). A stored JWT (claims kept, the signature replaced
// by the hash of the whole token) yields that hash, the identity of the
// token it stands for.
func (v *View) keyValue(p Point, tokens []Point) (val string, returned bool) {
	val = v.Value(p)
	if val == "" && len(tokens) > 0 && readsBearer(p) && (!v.carries(carriesAuthorization) || bearerCredential(v.x.ReqHeader("Authorization")) == "") {
		if tok := v.returnedToken(tokens); tok != "" {
			returned = true
			switch p.Kind {
			case PointReqBearer:
				val = tok
			case PointReqJWT:
				if claims, ok := v.jwtOf(returnedCarrier, tok); ok {
					val = jwtClaim(claims, p.Name)
				}
			}
		}
	}
	if _, hash, ok := cutRedactedJWT(val); ok {
		val = hash
	}
	return val, returned && val != ""
}

// grantPoints are the request members by which a client asks a token
// endpoint for a token without a password: an OAuth grant, a refresh
// token.
func grantPoints() [4]Point {
	return [4]Point{
		{Kind: PointReqJSON, Name: "grant_type", raw: "req.json.grant_type"},
		{Kind: PointReqForm, Name: "grant_type", raw: "req.form.grant_type"},
		{Kind: PointReqJSON, Name: "refresh_token", raw: "req.json.refresh_token"},
		{Kind: PointReqForm, Name: "refresh_token", raw: "req.form.refresh_token"},
	}
}

// signsIn reports whether the request presents credentials for a token: a
// request that changes state (not GET, HEAD or OPTIONS) with a
// password-like field, HTTP Basic credentials, or an OAuth grant or
// refresh token. Only such an answer's token stitches: a token any visitor
// gets (a public map key, a guest token) would otherwise join every
// visitor who fetched it into one session, and a token issued for someone
// else (an impersonation, a password reset) would file the sender under
// that user.
func (v *View) signsIn() bool {
	switch v.x.Method {
	case "GET", "HEAD", "OPTIONS":
		return false
	}
	if basicUser(v.x.ReqHeader("Authorization")) != "" || v.PasswordField() != "" {
		return true
	}
	for _, p := range grantPoints() {
		if v.Value(p) != "" {
			return true
		}
	}
	return false
}
