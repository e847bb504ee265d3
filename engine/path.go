package engine

import "net/url"

// DecodePath is the one normalisation of a request path, applied by every
// source before an Exchange is built (the proxy and every importer): percent
// escapes are decoded, and nothing else changes. Dot segments are not
// resolved and slashes are not merged, so that detection sees
// "/a/../../etc/passwd" the way the client wrote it, and a path with a
// malformed escape is kept as sent, since that too is what the client sent.
// '+' stays a plus: it means a space only in a query.
func DecodePath(raw string) string {
	if decoded, err := url.PathUnescape(raw); err == nil {
		return decoded
	}
	return raw
}
