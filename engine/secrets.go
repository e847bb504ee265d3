package engine

import "strings"

// secretPoints are body fields that carry credentials in most APIs: the
// tokens a login or refresh answers with, and the password a login sends.
// With secrets hashed (the default) their values are replaced by keyed
// hashes wherever they occur in the stored copy, like Authorization, Cookie
// and Set-Cookie values. A token answered at login is stored as the same
// hash its later Authorization header gets, so stitching by resp.json.token
// works on stored history.
func secretPoints() []Point {
	specs := []string{
		"resp.json.token", "resp.json.access_token", "resp.json.refresh_token", "resp.json.id_token",
		"req.json.password", "req.form.password", "req.json.refresh_token", "req.form.refresh_token",
	}
	points := make([]Point, len(specs))
	for i, s := range specs {
		points[i] = MustParsePoint(s)
	}
	return points
}

// scrubSecrets registers the values of the well-known secret fields of the
// exchange v reads for scrubbing.
func (a *Analyzer) scrubSecrets(v *View) {
	for _, p := range a.secrets {
		if val := v.Value(p); val != "" {
			a.scrub.add(val, a.hasher.Hash(val))
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
