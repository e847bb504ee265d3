package detect

import (
	"strings"

	"github.com/spoorhq/spoor/engine"
)

// traversalAt returns where s climbs out of a directory, or -1: a ".."
// (or a longer run of dots, which some filters reduce to "..") followed by
// a separator, by ";/" as Tomcat reads it, or ending s after a separator.
// Plain text with ellipses ("wait... what") has no separator after its
// dots and does not count.
func traversalAt(s string) int {
	for i := 0; i+1 < len(s); i++ {
		k := strings.Index(s[i:], "..")
		if k < 0 {
			return -1
		}
		i += k
		j := i + 2
		for j < len(s) && s[j] == '.' {
			j++
		}
		switch {
		case j < len(s) && (s[j] == '/' || s[j] == '\\'):
			return i
		case j+1 < len(s) && s[j] == ';' && (s[j+1] == '/' || s[j+1] == '\\'):
			return i
		case j == len(s) && j == i+2 && i > 0 && (s[i-1] == '/' || s[i-1] == '\\'):
			return i
		}
		i = j - 1
	}
	return -1
}

// traversal tags directory traversal. References to the host's files are
// literal markers (markers.go).
func (s *scan) traversal(p *point, v string, m class) {
	if m&classDot != 0 && m&classSlash != 0 {
		if at := traversalAt(v); at >= 0 && climbsOut(v, at) && (!isProse(v) || climbDepth(v, at) >= 3) {
			s.tag(engine.AttackPathTraversal, p, "spoor-traversal", v, at, 3,
				"directory traversal sequence")
		}
	}
}

// climbsOut reports whether the traversal at v[at:] is an attack rather
// than a relative link between a site's own files. Links climb a level or
// two with '/' and name a page or an asset ("../images/logo.png",
// "../../docs/guide.pdf", "../"); attacks climb three levels or more,
// use backslashes, extra dots or ";/", end the value with a NUL, or name
// something that is not a static asset ("../../etc/passwd",
// "../config/database.yml"). A climb of one or two levels inside an
// absolute URL stays within that URL's site.
func climbsOut(v string, at int) bool {
	steps, i := 0, at
	for i+1 < len(v) && v[i] == '.' && v[i+1] == '.' {
		j := i + 2
		if j < len(v) && v[j] == '.' {
			return true
		}
		switch {
		case j < len(v) && v[j] == '\\':
			return true
		case j < len(v) && v[j] == ';':
			return true
		case j < len(v) && v[j] == '/':
			j++
		}
		steps++
		i = j
	}
	if steps >= 3 || strings.IndexByte(v, 0) >= 0 || strings.IndexByte(v, '\\') >= 0 {
		return true
	}
	if strings.Contains(v[:at], "://") {
		// Dot segments inside a URL ("https://example.com/a/../b") are
		// resolved against that URL's root by whoever fetches it.
		return false
	}
	rest := v[i:]
	if end := strings.IndexAny(rest, "?# \t"); end >= 0 {
		rest = rest[:end]
	}
	if rest == "" {
		return false
	}
	return !hasAssetExtension(rest)
}

// hasAssetExtension reports whether the last element of a path names a
// page or static asset by its extension.
func hasAssetExtension(path string) bool {
	name := path[strings.LastIndexByte(path, '/')+1:]
	dot := strings.LastIndexByte(name, '.')
	if dot <= 0 {
		return false
	}
	switch lowerASCII(name[dot+1:]) {
	case "png", "jpg", "jpeg", "gif", "svg", "webp", "ico", "bmp", "avif",
		"css", "js", "mjs", "map", "md", "txt", "html", "htm", "pdf", "csv",
		"woff", "woff2", "ttf", "eot", "mp3", "mp4", "webm", "docx", "xlsx":
		return true
	}
	return false
}

// climbDepth counts the consecutive "../" (or "..\\") steps at v[at:]. A
// sentence may mention a link a level or two up; three or more is a climb
// out of the web root whatever words surround it ("see
// ../../../../etc/passwd for the users").
func climbDepth(v string, at int) int {
	n := 0
	for at+2 < len(v) && v[at] == '.' && v[at+1] == '.' && (v[at+2] == '/' || v[at+2] == '\\') {
		n++
		at += 3
	}
	return n
}

// isProse reports whether v reads as a sentence: at least three spaces
// and none of the bytes that shells, markup, SQL or encodings use. A
// path or file named in a sentence ("see ../docs/install.md for setup",
// "run cat /etc/hosts to see") is a mention, not a request for it.
func isProse(v string) bool {
	spaces := 0
	for i := 0; i < len(v); i++ {
		switch v[i] {
		case ' ':
			spaces++
		case ';', '|', '&', '`', '$', '<', '>', '\'', '"', '%', '=', '(', ')', '{', '}', '\x00', '\n', '\r', '\t', '\\', '*':
			return false
		}
	}
	return spaces >= 3
}
