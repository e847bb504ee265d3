package engine

import "strings"

// Label is the actor an investigator knows the session by, the one name
// the TUI's list and the CLI's tables show: the user a context parameter
// found; else, for an MCP session, the client that introduced itself at
// initialize (or "mcp session") and the first digits of the session's key
// id; else, for a session keyed by its user agent alone (an import without
// client addresses, such as a browser's HAR recording), the browser or
// client that user agent names; else the key value's display form.
func (s *Session) Label() string {
	switch {
	case s.User != "":
		return s.User
	case s.mcpKeyed():
		client := "mcp session"
		if s.MCP != nil && s.MCP.Client != "" {
			client = s.MCP.Client
		}
		return client + " " + shortID(s.KeyID)
	case s.KeyPoint == uaKey && s.Actor != "":
		return Product(s.Actor)
	}
	return s.Actor
}

// uaKey is the spelling of the last fallback key, the user agent alone.
const uaKey = "req.ua"

// mcpKeyed reports whether the session is keyed by an MCP session id.
func (s *Session) mcpKeyed() bool {
	return strings.EqualFold(s.KeyPoint, "req.header.Mcp-Session-Id") || strings.EqualFold(s.KeyPoint, "resp.header.Mcp-Session-Id")
}

// shortID is the first 8 digits of a key id, as a hashed key's display form
// shows them.
func shortID(keyID string) string {
	if len(keyID) > 8 {
		return keyID[:8]
	}
	return keyID
}

// Product names the browser or client a User-Agent value names, with its
// version: "Firefox/133.0" for a Firefox, "Safari/18.1" for a Safari
// (whose version is in Version/), "okhttp/4.12.0" for a client that names
// itself first. A value it cannot read is returned as it is.
func Product(ua string) string {
	ua = strings.TrimSpace(ua)
	// Browsers name every engine they are compatible with; the last
	// distinctive token names the browser. Order matters: Edge and Opera
	// also say Chrome, Chrome also says Safari.
	for _, name := range []string{"Edg/", "OPR/", "Firefox/", "Chrome/", "CriOS/", "FxiOS/"} {
		if v, ok := productVersion(ua, name); ok {
			return strings.TrimSuffix(name, "/") + "/" + v
		}
	}
	if strings.Contains(ua, "Safari/") {
		if v, ok := productVersion(ua, "Version/"); ok {
			return "Safari/" + v
		}
	}
	first, _, _ := strings.Cut(ua, " ")
	if strings.HasPrefix(first, "Mozilla/") || first == "" {
		return ua
	}
	return first
}

// productVersion returns the version after name in ua.
func productVersion(ua, name string) (string, bool) {
	i := strings.Index(ua, name)
	if i < 0 {
		return "", false
	}
	v := ua[i+len(name):]
	if j := strings.IndexAny(v, " ;)"); j >= 0 {
		v = v[:j]
	}
	return v, v != ""
}
