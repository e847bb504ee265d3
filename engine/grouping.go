package engine

import (
	"fmt"
	"strings"
)

// KeyOrigin says where a grouping key in the effective list comes from.
type KeyOrigin string

// Key origins, in the order the effective list places them.
const (
	OriginConfig   KeyOrigin = "config"
	OriginBuiltin  KeyOrigin = "built-in"
	OriginFallback KeyOrigin = "fallback"
)

// Key is one grouping key: a request point, or several joined with '+' whose
// values together identify an actor (req.ip+req.ua). Every part must yield a
// value for the key to apply.
type Key struct {
	Parts  []Point
	Origin KeyOrigin
	// Why explains a built-in key in `spoor keys`.
	Why string
}

// String spells the key as it is written in configuration.
func (k Key) String() string {
	names := make([]string, len(k.Parts))
	for i, p := range k.Parts {
		names[i] = p.String()
	}
	return strings.Join(names, "+")
}

// ParseKey parses a grouping key: one point or points joined with '+'. The
// error for a one-point key is the point's own, so that a configuration
// error reads `unknown request point "req.foo"` without repeating it.
func ParseKey(s string, origin KeyOrigin) (Key, error) {
	var k Key
	for part := range strings.SplitSeq(s, "+") {
		p, err := ParsePoint(part)
		if err != nil {
			if strings.Contains(s, "+") {
				return Key{}, fmt.Errorf("grouping key %q: %w", s, err)
			}
			return Key{}, err
		}
		k.Parts = append(k.Parts, p)
	}
	k.Origin = origin
	return k, nil
}

// value returns the key's value in v, or "" if any part is empty. Parts are
// joined with a unit separator, which no header or cookie can carry.
func (k Key) value(v *View) string {
	if len(k.Parts) == 1 {
		return v.Value(k.Parts[0])
	}
	var b strings.Builder
	for i, p := range k.Parts {
		val := v.Value(p)
		if val == "" {
			return ""
		}
		if i > 0 {
			b.WriteByte(0x1f)
		}
		b.WriteString(val)
	}
	return b.String()
}

// displayable reports whether the key's clear value may be shown and stored:
// addresses, user agents, JWT claims and Basic user names identify an actor
// without being a credential. Tokens, cookies and other values are shown by
// their hash.
func (k Key) displayable() bool {
	for _, p := range k.Parts {
		switch p.Kind {
		case PointIP, PointUA, PointReqJWT, PointReqBasic, PointMethod, PointHost, PointPath:
		default:
			return false
		}
	}
	return true
}

// sessionCookies are the session cookie names of common web frameworks.
func sessionCookies() []string {
	return []string{"PHPSESSID", "JSESSIONID", "ASP.NET_SessionId", "connect.sid", "laravel_session", "sessionid", "session", "sid", "_session_id", "ci_session"}
}

// builtinKeys is the list of keys spoor tries after the user's, in order. It
// is a function, not a package variable, so that no caller can change it.
func builtinKeys() []Key {
	var keys []Key
	add := func(spec, why string) {
		k, err := ParseKey(spec, OriginBuiltin)
		if err != nil {
			panic(err) // a typo in this table is a programming error
		}
		k.Why = why
		keys = append(keys, k)
	}
	add("req.header.Mcp-Session-Id", "MCP streamable-HTTP session, assigned by the server at initialize")
	// The initialize request has no session id yet; its response assigns
	// one. This key comes before every other request-side key so that the
	// initialize of a client that also sends a bearer token or a cookie
	// joins the MCP session it opens, as all its later requests do.
	add("resp.header.Mcp-Session-Id", "MCP session assigned by this response: initialize joins the session it opens")
	for _, c := range sessionCookies() {
		add("req.cookie."+c, "session cookie of a common web framework")
	}
	for _, h := range []string{"Session-Id", "X-Session-Id", "X-Session-Token", "X-Auth-Token"} {
		add("req.header."+h, "session header used by API clients")
	}
	add("req.jwt.sub+req.jwt.iss", "subject and issuer of the bearer JWT: one user of one identity provider")
	add("req.jwt.sub", "subject of a bearer JWT without an issuer")
	add("req.bearer", "opaque bearer token, by its hash")
	add("req.basic", "user name of HTTP Basic authentication")
	for _, c := range sessionCookies() {
		add("resp.cookie."+c, "session cookie set by this response: a login joins the session it opens")
	}
	return keys
}

func fallbackKeys() []Key {
	ipua, _ := ParseKey("req.ip+req.ua", OriginFallback)
	ipua.Why = "client address and user agent, when no key above applies"
	ip, _ := ParseKey("req.ip", OriginFallback)
	ip.Why = "client address alone, last resort"
	return []Key{ipua, ip}
}

// KeyList is the effective, ordered list of grouping keys.
type KeyList []Key

// NewKeyList builds the effective list: the configured keys, then the
// built-in keys if builtin is true, then the fallbacks. Keys already listed
// earlier are not repeated.
func NewKeyList(configured []string, builtin bool) (KeyList, error) {
	var list KeyList
	seen := map[string]bool{}
	addKey := func(k Key) {
		if s := strings.ToLower(k.String()); !seen[s] {
			seen[s] = true
			list = append(list, k)
		}
	}
	for _, spec := range configured {
		k, err := ParseKey(spec, OriginConfig)
		if err != nil {
			return nil, err
		}
		k.Why = "listed in grouping.keys"
		addKey(k)
	}
	if builtin {
		for _, k := range builtinKeys() {
			addKey(k)
		}
	}
	for _, k := range fallbackKeys() {
		addKey(k)
	}
	return list, nil
}

// DefaultKeyList is the built-in keys and fallbacks with nothing configured.
func DefaultKeyList() KeyList {
	list, _ := NewKeyList(nil, true)
	return list
}

// Identity is the outcome of grouping one exchange.
type Identity struct {
	// Key is the key that applied.
	Key Key
	// Value is the keyed hash of the key's value: the session identity.
	Value string
	// Display is what an investigator sees for the actor: the clear value
	// where it is not a credential, else a short form of the hash.
	Display string
}

// Identify returns the identity of the first key in the list that yields a
// value. The fallback req.ip always applies to a captured exchange; an
// exchange with no address at all is grouped under the empty identity.
func (l KeyList) Identify(v *View, h Hasher) Identity {
	for _, k := range l {
		val := k.value(v)
		if val == "" {
			continue
		}
		id := Identity{Key: k, Value: h.Hash(val)}
		if k.displayable() && !IsHashed(val) {
			id.Display = strings.ReplaceAll(val, "\x1f", " ")
		} else {
			id.Display = k.String() + " " + shortHash(id.Value)
		}
		return id
	}
	return Identity{Value: h.Hash(""), Display: "(unidentified)"}
}

// shortHash is the first 8 hex digits of a hashed value, enough to tell
// sessions apart on screen.
func shortHash(hashed string) string {
	rest := strings.TrimPrefix(hashed, hashPrefix)
	if len(rest) > 8 {
		rest = rest[:8]
	}
	return rest
}

// KeyInfo describes one key of the effective list, for `spoor keys` and the
// TUI's key editor: nothing about grouping is hidden.
type KeyInfo struct {
	// Order is the key's rank, from 1: the first key that yields a value
	// identifies the session.
	Order int `json:"order"`
	// Key is the key's spelling, as configuration writes it.
	Key    string    `json:"key"`
	Origin KeyOrigin `json:"origin"`
	Why    string    `json:"why"`
	// Hashed is true when sessions show the key's value by its hash because
	// the value is a credential (a token, a cookie).
	Hashed bool `json:"hashed"`
}

// Describe lists the keys in the order they are tried.
func (l KeyList) Describe() []KeyInfo {
	out := make([]KeyInfo, len(l))
	for i, k := range l {
		out[i] = KeyInfo{Order: i + 1, Key: k.String(), Origin: k.Origin, Why: k.Why, Hashed: !k.displayable()}
	}
	return out
}
