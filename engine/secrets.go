package engine

import (
	"bytes"
	"encoding/json"
	"strings"
)

// secretPoints are body fields that carry credentials in most APIs: the
// refresh token a login or refresh answers with, the password a login sends
// and the client secret a token endpoint receives.
// With secrets hashed (the default) their values are replaced by keyed
// hashes wherever they occur in the stored copy, like Authorization, Cookie
// and Set-Cookie values. The access token a login answers with
// (returnedTokenSpecs) is stored as its later Authorization header is
// (scrubReturnedTokens), so stitching by resp.json.token works on stored
// history.
func secretPoints() []Point {
	specs := []string{
		"resp.json.refresh_token", "resp.json.id_token",
		"req.json.password", "req.form.password", "req.json.refresh_token", "req.form.refresh_token",
		// An OAuth token endpoint (a built-in login) takes the client's
		// secret in a client-credentials or password grant.
		"req.json.client_secret", "req.form.client_secret",
	}
	points := make([]Point, len(specs))
	for i, s := range specs {
		points[i] = MustParsePoint(s)
	}
	return points
}

// scrubReturnedTokens registers the tokens the answer v reads returns for
// scrubbing, in the form a bearer JWT is stored in (Hasher.RedactToken), so
// that a regroup of stored history reads the claims grouping read, and a
// returned token stitches by value as its later Authorization header does.
func (a *Analyzer) scrubReturnedTokens(v *View) {
	for _, p := range a.sessions.ids.tokens {
		if val := v.Value(p); val != "" {
			a.scrub.add(val, a.hasher.RedactToken(val))
		}
	}
}

// scrubSecrets registers the values of the well-known secret fields of the
// exchange v reads for scrubbing, and the value of every password-like
// field of its request body, at any nesting.
func (a *Analyzer) scrubSecrets(v *View) {
	a.scrubReturnedTokens(v)
	for _, p := range a.secrets {
		if val := v.Value(p); val != "" {
			a.scrub.add(val, a.hasher.Hash(val))
		}
	}
	v.passwordFields(func(_, val string) bool {
		a.scrub.add(val, a.hasher.Hash(val))
		return true
	})
}

// maxPasswordScan bounds the request body searched for password fields:
// a login form is small, and an upload need not be walked for one.
const maxPasswordScan = 64 << 10

// IsPasswordField reports whether a form or JSON field name names a
// password: password, passwd, pwd, pass or pin, alone or as the last word
// of a longer name after a separator or in camelCase (j_password,
// user[password], new-password, card_pin, currentPwd, cardPIN).
func IsPasswordField(name string) bool {
	if i := strings.LastIndexByte(name, '['); i >= 0 {
		name = strings.TrimSuffix(name[i+1:], "]")
	}
	lower := strings.ToLower(name)
	if strings.Contains(lower, "password") || strings.Contains(lower, "passwd") {
		return true
	}
	for _, w := range [...]string{"pwd", "pass", "pin"} {
		n := len(name) - len(w)
		if n < 0 || !strings.EqualFold(name[n:], w) {
			continue
		}
		if n == 0 {
			return true
		}
		switch prev := name[n-1]; {
		case prev == '_' || prev == '-' || prev == '.':
			return true
		case name[n] >= 'A' && name[n] <= 'Z' && (prev >= 'a' && prev <= 'z' || prev >= '0' && prev <= '9'):
			// camelCase: the word starts upper case after a lower-case
			// letter or a digit (loginPin, but not bypass or SPIN).
			return true
		}
	}
	return false
}

// PasswordField returns the name of the first password-like field of the
// request body (form or JSON, any nesting), or "". It reads names only, so
// it answers the same on a stored copy, whose values are hashes.
func (v *View) PasswordField() string {
	var found string
	v.passwordFields(func(name, _ string) bool {
		found = name
		return false
	})
	return found
}

// passwordFields calls fn with the name and value of each password-like
// field of the request body until fn returns false. JSON is walked at any
// depth; a form is read field by field (urlencoded or multipart).
func (v *View) passwordFields(fn func(name, value string) bool) {
	x := v.x
	if len(x.ReqBody.Data) == 0 {
		return
	}
	body := v.body(false)
	if len(body) > maxPasswordScan {
		body = body[:maxPasswordScan]
	}
	if looksLikeJSON(body) {
		jsonPasswords(body, fn)
		return
	}
	kind, boundary := requestFormKind(x.ReqHeaders, body)
	switch kind {
	case formURLEncoded:
		for raw := string(body); raw != ""; {
			var pair string
			pair, raw, _ = strings.Cut(raw, "&")
			key, val, _ := strings.Cut(pair, "=")
			name, ok := queryUnescape(key)
			if !ok || !IsPasswordField(name) {
				continue
			}
			if val, ok = queryUnescape(val); ok && val != "" && !fn(name, val) {
				return
			}
		}
	case formMultipart:
		for _, f := range multipartFields(body, boundary, nil) {
			if IsPasswordField(f.name) && f.value != "" && !fn(f.name, f.value) {
				return
			}
		}
	}
}

// jsonPasswords walks a JSON document and calls fn with each scalar whose
// member name is password-like, at any depth, until fn returns false. The
// scalars of an array (at any depth of arrays) count under the name of
// the member that holds it: {"old_passwords": ["a", "b"]}, and every
// scalar inside an object or array that a password-like member holds is a
// secret too: {"passwords": [{"value": "a"}]}. A malformed or truncated
// document yields what came before the fault.
func jsonPasswords(data []byte, fn func(name, value string) bool) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	// inObject[i] says whether the container at depth i is an object,
	// whose tokens alternate between member names and values; owner[i]
	// is the member name an array at depth i stands under; secret[i] is
	// the password-like member that holds the container at depth i, at
	// any depth, or "".
	var inObject, expectKey []bool
	var owner, secret []string
	key := ""
	for {
		tok, err := dec.Token()
		if err != nil {
			return
		}
		depth := len(inObject)
		isKey := depth > 0 && inObject[depth-1] && expectKey[depth-1]
		// name is the member name a scalar at this point is the value of.
		name, held := "", ""
		if depth > 0 {
			if name = owner[depth-1]; inObject[depth-1] {
				name = key
			}
			held = secret[depth-1]
		}
		switch t := tok.(type) {
		case json.Delim:
			switch t {
			case '{', '[':
				if depth > 0 && inObject[depth-1] {
					expectKey[depth-1] = true
				}
				inObject = append(inObject, t == '{')
				expectKey = append(expectKey, t == '{')
				owner = append(owner, name)
				switch {
				case held != "":
					secret = append(secret, held)
				case IsPasswordField(name):
					secret = append(secret, name)
				default:
					secret = append(secret, "")
				}
			default:
				inObject, expectKey, owner, secret = inObject[:depth-1], expectKey[:depth-1], owner[:depth-1], secret[:depth-1]
			}
			continue
		case string:
			if isKey {
				key = t
				expectKey[depth-1] = false
				continue
			}
			if held != "" {
				name = held
			}
			if t != "" && IsPasswordField(name) && !fn(name, t) {
				return
			}
		case json.Number:
			if held != "" {
				name = held
			}
			if IsPasswordField(name) && !fn(name, t.String()) {
				return
			}
		}
		if depth > 0 && inObject[depth-1] {
			expectKey[depth-1] = true
		}
	}
}

// protectFragments keeps attack tags from carrying secrets to disk: a
// fragment matched in a credential (a cookie, an Authorization header) is
// replaced by its hash when secrets are hashed, and every fragment loses the
// clear values of hashed parameters.
func (a *Analyzer) protectFragments(x *Exchange) {
	for i := range x.Attacks {
		t := &x.Attacks[i]
		if t.Fragment == "" {
			continue
		}
		if a.hashSecrets && credentialPoint(t.Point) {
			t.Fragment = a.hasher.Hash(t.Fragment)
			continue
		}
		if !a.scrub.empty() {
			t.Fragment = a.scrub.str(t.Fragment)
		}
	}
}

// credentialPoint reports whether a request point names a place whose
// values are credentials.
func credentialPoint(point string) bool {
	switch {
	case strings.HasPrefix(point, "req.cookie."), strings.HasPrefix(point, "resp.cookie."):
		return true
	}
	for _, h := range []string{"req.header.Authorization", "req.header.Proxy-Authorization", "req.header.Cookie", "resp.header.Set-Cookie"} {
		if strings.EqualFold(point, h) {
			return true
		}
	}
	return false
}
