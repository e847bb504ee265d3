package engine

import (
	"encoding/binary"
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
	// spelling is String, computed once by ParseKey: the sessionizer
	// names the key of every session part it opens.
	spelling string
}

// String spells the key as it is written in configuration.
func (k Key) String() string {
	if k.spelling != "" {
		return k.spelling
	}
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
	k.spelling = k.String()
	return k, nil
}

// appendValue appends the key's value in v to dst, and reports false if
// any part is empty. Parts are joined with a unit separator, which no
// header or cookie can carry. Parts that read the bearer token read, in a
// request without one, the token its answer returns in one of the members
// tokens names (see View.keyValue); returned reports that one did.
func (k *Key) appendValue(dst []byte, v *View, tokens []Point) (out []byte, ok, returned bool) {
	for i, p := range k.Parts {
		val, r := v.keyValue(p, tokens)
		if val == "" {
			return dst, false, false
		}
		returned = returned || r
		if i > 0 {
			dst = append(dst, 0x1f)
		}
		dst = append(dst, val...)
	}
	return dst, len(k.Parts) > 0, returned
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
	ip.Why = "client address alone"
	ua, _ := ParseKey(uaKey, OriginFallback)
	ua.Why = "user agent alone, last resort: an import without client addresses (a HAR recording of one browser)"
	return []Key{ipua, ip, ua}
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
// value. The fallback req.ip always applies to a captured exchange, req.ua
// to an imported one without an address (a HAR); an exchange with neither
// is grouped under the empty identity.
//
// A login answer that returns a token identifies its request as that token
// will identify the requests that send it (see returnedTokenSpecs).
func (l KeyList) Identify(v *View, h Hasher) Identity {
	var stack [256]byte
	buf := stack[:0]
	tokens := returnedTokenPoints()
	for i := range l {
		k := &l[i]
		var ok bool
		if buf, ok, _ = k.appendValue(buf[:0], v, tokens[:]); ok {
			return k.identity(string(buf), h)
		}
	}
	return unidentified(h)
}

// identity is the identity of the key's value val.
func (k Key) identity(val string, h Hasher) Identity {
	id := Identity{Key: k, Value: h.Hash(val)}
	if k.displayable() && !IsHashed(val) {
		id.Display = strings.ReplaceAll(val, "\x1f", " ")
	} else {
		id.Display = k.String() + " " + shortHash(id.Value)
	}
	return id
}

// unidentified is the identity of an exchange no key applies to.
func unidentified(h Hasher) Identity {
	return Identity{Value: h.Hash(""), Display: "(unidentified)"}
}

// identityMemoSize bounds identityMemo. An access log of a million lines
// names a few thousand actors; when more than this come, the memo starts
// over rather than grow.
const identityMemoSize = 8192

// maxMemoValue bounds the values identityMemo keeps, so that its memory is
// bounded in bytes too: an address and a user agent fit, while a key that
// reads a body member or a token of kilobytes is hashed each time, as
// before the memo, and not held in memory in the clear.
const maxMemoValue = 512

// identityMemo is KeyList.Identify remembering the identities of recent key
// values. Most requests come from an actor seen moments before (every line
// of an access log names one by address and user agent), and hashing its
// value again, and spelling it for display, was a quarter of the analysis
// of an import. The memo holds clear key values in memory only, as the
// exchange it read them from does; what is stored is the identity, hashed.
type identityMemo struct {
	keys   KeyList
	hasher Hasher
	tokens []Point // the members a login returns its token in
	// buf holds the key's index, as a uvarint, then its value: the memo's
	// lookup key, built without allocating.
	buf  []byte
	seen map[string]memoIdentity
}

type memoIdentity struct {
	value, display string
}

func newIdentityMemo(keys KeyList, h Hasher) identityMemo {
	tokens := returnedTokenPoints()
	return identityMemo{keys: keys, hasher: h, tokens: tokens[:], seen: map[string]memoIdentity{}}
}

// identify is m.keys.Identify(v, m.hasher); returned reports that the
// identity is that of the token the answer returns.
func (m *identityMemo) identify(v *View) (id Identity, returned bool) {
	for i := range m.keys {
		k := &m.keys[i] // a Key is large enough that copying it shows
		buf := binary.AppendUvarint(m.buf[:0], uint64(i))
		n := len(buf)
		buf, ok, returned := k.appendValue(buf, v, m.tokens)
		m.buf = buf
		if !ok {
			continue
		}
		if e, ok := m.seen[string(buf)]; ok {
			return Identity{Key: *k, Value: e.value, Display: e.display}, returned
		}
		// The lookup key owns the value's bytes; the identity reads them
		// from it rather than copying them again.
		key := string(buf)
		id := k.identity(key[n:], m.hasher)
		if len(key)-n > maxMemoValue {
			return id, returned
		}
		if len(m.seen) >= identityMemoSize {
			clear(m.seen)
		}
		m.seen[key] = memoIdentity{value: id.Value, display: id.Display}
		return id, returned
	}
	return unidentified(m.hasher), false
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
