package abuse

import (
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/spoorhq/spoor/engine"
)

// Most web logins answer a wrong password with 200 and the form again, so a
// status alone says little. A login attempt is recognised by what it
// carries or where it goes (loginReason), and its outcome inferred from
// the answer (outcomeOf): a 401 or 403, a redirect back to the login page,
// or a 200 whose shape is the one the endpoint keeps answering is a
// failure; a redirect away, a new session cookie or a token is a success.

// loginReason says why x is a login attempt, or "" when it is not one.
// The order is the order of confidence: the configured Auth flow, a listed
// endpoint, a password-like field, Basic credentials, a path that names a
// login.
func (t *Tracker) loginReason(x *engine.Exchange) string {
	if isLogoutPath(x.Path) {
		return ""
	}
	if slices.Contains(x.Flows, t.cfg.AuthFlow) {
		return "the " + t.cfg.AuthFlow + " flow"
	}
	if x.Method == "GET" || x.Method == "HEAD" {
		if basicCredentials(x) {
			return "Basic credentials"
		}
		return ""
	}
	if e, ok := t.logins.Match(x); ok {
		return e.Reason
	}
	if len(x.ReqBody.Data) > 0 && mayHoldPassword(x.ReqBody.Data) {
		if name := engine.NewView(x).PasswordField(); name != "" {
			return "a password field (" + name + ")"
		}
	}
	if basicCredentials(x) {
		return "Basic credentials"
	}
	if x.Method == "POST" && isLoginPath(x.Path) {
		return "a path that names a login"
	}
	return ""
}

// mayHoldPassword is a cheap test before a body is parsed for password
// fields: every name IsPasswordField accepts contains one of these.
func mayHoldPassword(b []byte) bool {
	for i := 0; i+2 < len(b); i++ {
		if b[i]|0x20 != 'p' {
			continue
		}
		switch c1, c2 := b[i+1]|0x20, b[i+2]|0x20; {
		case c1 == 'w' && c2 == 'd', c1 == 'i' && c2 == 'n':
			return true
		case c1 == 'a' && c2 == 's' && i+3 < len(b) && b[i+3]|0x20 == 's':
			return true
		}
	}
	return false
}

func basicCredentials(x *engine.Exchange) bool {
	auth := x.ReqHeader("Authorization")
	return len(auth) > 6 && strings.EqualFold(auth[:6], "basic ")
}

// isLoginPath reports whether the last path segment names a login, for a
// flow table without an Auth flow to say so.
func isLoginPath(path string) bool {
	last := path[strings.LastIndexByte(path, '/')+1:]
	switch strings.ToLower(last) {
	case "login", "signin", "sign-in", "sign_in", "authenticate", "token", "sessions", "session":
		return true
	}
	return false
}

// isLogoutPath excludes the logout the Auth flow also covers: its 2xx is
// not a successful login.
func isLogoutPath(path string) bool {
	last := strings.ToLower(path[strings.LastIndexByte(path, '/')+1:])
	return last == "logout" || last == "signout" || last == "sign-out" || last == "revoke"
}

// failWhy is the evidence a failure rests on.
type failWhy uint8

const (
	failStatus   failWhy = iota // 401 or 403
	failRedirect                // a redirect back to the login page
	failShape                   // the endpoint's failure shape
)

// outcome is what one login attempt's answer says.
type outcome struct {
	out authOutcome
	why failWhy
	// ep and shape are the endpoint and shape of an answer that only its
	// shape can judge: a failure when the shape is the endpoint's failure
	// shape, undecided (authPending) until it becomes one.
	ep    *loginEndpoint
	shape int
}

// outcomeOf infers how a login attempt ended.
func (t *Tracker) outcomeOf(x *engine.Exchange, reason string) outcome {
	switch {
	case x.Status == 401 || x.Status == 403:
		if ep := t.loginEndpoint(x); ep != nil {
			ep.refusesByStatus++
		}
		return outcome{out: authFailure, why: failStatus}
	case x.Status >= 300 && x.Status < 400:
		if loc := x.RespHeader("Location"); loc != "" {
			if redirectsBack(x.Path, loc) {
				return outcome{out: authFailure, why: failRedirect}
			}
			return outcome{out: authSuccess}
		}
	case x.Status >= 200 && x.Status < 300:
		if reason == "Basic credentials" {
			return outcome{out: authSuccess}
		}
	default:
		// 400, 404, 429, 5xx say nothing about the credentials.
		return outcome{}
	}
	// A 2xx, or a 3xx whose target is unknown (an access log): its shape
	// decides.
	cred := newCredential(x)
	ep := t.loginEndpoint(x)
	if ep == nil {
		if cred {
			return outcome{out: authSuccess}
		}
		return outcome{}
	}
	if ep.refusesByStatus > 0 && x.Status < 300 {
		// An endpoint that refuses with a 401 or 403 accepts with a 2xx,
		// however alike its answers are.
		return outcome{out: authSuccess}
	}
	i := ep.observe(x, cred)
	switch {
	case i >= 0 && ep.isFailure(i, t.cfg.Auth.ShapeRepeats):
		// A credential the endpoint hands out with its usual refusal (a
		// PHP session cookie to every new client) is no success.
		return outcome{out: authFailure, why: failShape, ep: ep, shape: i}
	case cred:
		return outcome{out: authSuccess}
	case ep.hasFailureShape(t.cfg.Auth.ShapeRepeats):
		// An endpoint that refuses with its failure page says yes with
		// another answer.
		return outcome{out: authSuccess}
	case i < 0:
		return outcome{}
	}
	return outcome{out: authPending, ep: ep, shape: i}
}

// redirectsBack reports whether a login's redirect goes back to a login
// page (a failure) rather than on to the application (a success).
func redirectsBack(path, location string) bool {
	u, err := url.Parse(location)
	if err != nil {
		return false
	}
	target := u.Path
	if target == "" {
		target = path // "?error=1" alone
	}
	if strings.TrimSuffix(target, "/") == strings.TrimSuffix(path, "/") {
		return true
	}
	lower := strings.ToLower(target + "?" + u.RawQuery)
	for _, w := range [...]string{"login", "signin", "sign_in", "sign-in", "error", "fail", "denied"} {
		if strings.Contains(lower, w) {
			return true
		}
	}
	return false
}

// newCredential reports whether the answer hands the client a credential:
// a session or authentication cookie, or a token in a JSON body.
func newCredential(x *engine.Exchange) bool {
	for _, h := range x.RespHeaders {
		if strings.EqualFold(h.Name, "Set-Cookie") && sessionCookie(h.Value) {
			return true
		}
	}
	if len(x.RespBody.Data) > 0 {
		v := engine.NewView(x)
		for _, p := range tokenPoints {
			if v.Value(p) != "" {
				return true
			}
		}
	}
	return false
}

var tokenPoints = [...]engine.Point{
	engine.MustParsePoint("resp.json.token"), engine.MustParsePoint("resp.json.access_token"),
	engine.MustParsePoint("resp.json.id_token"), engine.MustParsePoint("resp.json.jwt"),
	engine.MustParsePoint("resp.json.data.token"), engine.MustParsePoint("resp.json.session"),
}

// sessionCookie reports whether a Set-Cookie value sets (not deletes) a
// cookie whose name says it holds a session or authentication.
func sessionCookie(v string) bool {
	pair, attrs, _ := strings.Cut(v, ";")
	name, val, ok := strings.Cut(pair, "=")
	if !ok || strings.TrimSpace(val) == "" || strings.EqualFold(strings.TrimSpace(val), "deleted") {
		return false
	}
	lattrs := strings.ToLower(attrs)
	if strings.Contains(lattrs, "max-age=0") || strings.Contains(lattrs, "1970") {
		return false
	}
	lname := strings.ToLower(strings.TrimSpace(name))
	for _, w := range [...]string{"test", "csrf", "xsrf", "consent", "lang", "pref"} {
		if strings.Contains(lname, w) {
			return false
		}
	}
	for _, w := range [...]string{"sess", "sid", "auth", "token", "logged", "login", "remember", "jwt", "user"} {
		if strings.Contains(lname, w) {
			return true
		}
	}
	return false
}

// maxLoginEndpoints bounds the endpoints whose answer shapes are learnt,
// and maxShapes the shapes of one endpoint. A login endpoint answers a few
// shapes (the form again, a redirect, a lockout page); past the bound a
// new shape is not learnt.
const (
	maxLoginEndpoints = 256
	maxShapes         = 8
)

// loginKey names a login endpoint: its method and path template.
type loginKey struct{ method, endpoint string }

// loginEndpoint learns the shapes of one login endpoint's answers that
// neither a status nor a redirect judged.
type loginEndpoint struct {
	name   string // "POST /administrator/index.php"
	shapes [maxShapes]loginShape
	n      int
	// total counts the answers the shapes were learnt from.
	total int
	// refusesByStatus counts the 401 and 403 answers: an endpoint that
	// refuses with a status accepts with a 2xx.
	refusesByStatus int
}

// loginShape is one kind of answer: its status, size (to a tolerance),
// body fingerprint and whether it set a credential.
type loginShape struct {
	status      int
	size        int64
	fingerprint uint64
	cred        bool
	// bodied marks a shape learnt from captured answers; an access log
	// gives sizes only.
	bodied bool
	count  int
}

// loginEndpoint returns the shape state of x's endpoint, or nil past the
// cap.
func (t *Tracker) loginEndpoint(x *engine.Exchange) *loginEndpoint {
	endpoint := x.Endpoint
	if endpoint == "" {
		endpoint = engine.Endpoint(x.Path)
	}
	ep := t.loginEPs[loginKey{x.Method, endpoint}]
	if ep == nil {
		if len(t.loginEPs) >= maxLoginEndpoints {
			return nil
		}
		key := loginKey{strings.Clone(x.Method), strings.Clone(endpoint)}
		ep = &loginEndpoint{name: key.method + " " + key.endpoint}
		t.loginEPs[key] = ep
	}
	return ep
}

// observe counts x's answer under its shape and returns the shape's index,
// or -1 when the endpoint has no room for a new one.
func (ep *loginEndpoint) observe(x *engine.Exchange, cred bool) int {
	size := x.RespBody.Size
	fp, bodied := bodyFingerprint(x.RespBody.Data)
	ep.total++
	for i := range ep.shapes[:ep.n] {
		s := &ep.shapes[i]
		if s.status == x.Status && s.cred == cred && s.fingerprint == fp && near(s.size, size) {
			s.count++
			return i
		}
	}
	if ep.n == maxShapes {
		return -1
	}
	ep.shapes[ep.n] = loginShape{status: x.Status, size: size, fingerprint: fp, cred: cred, bodied: bodied, count: 1}
	ep.n++
	return ep.n - 1
}

// near is the size tolerance of a shape: a form that echoes the user name
// or carries a fresh CSRF token differs by a few bytes from one attempt to
// the next.
func near(a, b int64) bool {
	d := a - b
	if d < 0 {
		d = -d
	}
	return d <= max(64, max(a, b)/32)
}

// isFailure reports whether shape i is the endpoint's failure shape: seen
// at least repeats times and at least half of the endpoint's answers. A
// login that keeps answering the same page to the same kind of request is
// refusing it; a success differs (a redirect, a cookie, another page).
func (ep *loginEndpoint) isFailure(i, repeats int) bool {
	s := &ep.shapes[i]
	return s.count >= repeats && 2*s.count >= ep.total
}

// hasFailureShape reports whether any shape is the failure shape.
func (ep *loginEndpoint) hasFailureShape(repeats int) bool {
	for i := range ep.shapes[:ep.n] {
		if ep.isFailure(i, repeats) {
			return true
		}
	}
	return false
}

// maxFingerprint is how much of a body its fingerprint reads.
const maxFingerprint = 4 << 10

// bodyFingerprint hashes the structure of an answer: the sequence of HTML
// tag names, or of JSON member names, so that the same page with another
// CSRF token or echoed user name fingerprints the same. It reports false
// for an answer without a captured body.
func bodyFingerprint(b []byte) (uint64, bool) {
	if len(b) == 0 {
		return 0, false
	}
	b = b[:min(len(b), maxFingerprint)]
	h := uint64(fnvOffset)
	for i := 0; i < len(b); i++ {
		switch c := b[i]; c {
		case '<':
			j := i + 1
			for j < len(b) && (isAlnum(b[j]) || b[j] == '/') {
				j++
			}
			h = hashMore(hashByte(h, '<'), string(b[i+1:j]))
			i = j - 1
		case '"':
			j := i + 1
			for j < len(b) && b[j] != '"' && b[j] != '\\' {
				j++
			}
			if j+1 < len(b) && b[j] == '"' && b[j+1] == ':' {
				h = hashMore(hashByte(h, '"'), string(b[i+1:j]))
			}
			i = j
		}
	}
	return h, true
}

func isAlnum(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

// describeShape writes a shape for an explanation: "200 with 4,512 bytes".
func (s *loginShape) describe() string {
	return strconv.Itoa(s.status) + " with " + groupDigits(s.size) + " bytes"
}

// groupDigits prints 4512 as "4,512".
func groupDigits(n int64) string {
	s := strconv.FormatInt(n, 10)
	if n < 0 || len(s) <= 3 {
		return s
	}
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}
