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
		if at := traversalAt(v); at >= 0 {
			s.tag(engine.AttackPathTraversal, p, "spoor-traversal", v, at, 3,
				"directory traversal sequence")
		}
	}
}
