package detect

import (
	"strings"

	"github.com/spoorhq/spoor/engine"
)

// markerKind is what finding a literal marker in a value means.
type markerKind uint8

const (
	// markFile names a sensitive file or stream: file inclusion.
	markFile markerKind = iota
	// markShell invokes a shell: command injection.
	markShell
	// markScript reaches script from a value: XSS.
	markScript
	// markCookie sets a cookie from HTML or script: session fixation.
	markCookie
	// markJNDI is a Log4j lookup (Log4Shell).
	markJNDI
)

// marker is one literal and its meaning.
type marker struct {
	kind markerKind
	word string
}

// literalMarkers lists the plain-text markers of attacks that tier 1 finds
// in every value in a single pass (markerSet). Each is specific enough not
// to occur in ordinary values.
func literalMarkers() []marker {
	var ms []marker
	add := func(kind markerKind, words ...string) {
		for _, w := range words {
			ms = append(ms, marker{kind, w})
		}
	}
	// Files whose name in a parameter or path means an attempt to read the
	// host's files, and PHP stream wrappers that read them.
	add(markFile,
		"etc/passwd", "etc/shadow", "etc/group", "etc/hosts", "etc/issue",
		"etc/motd", "etc/crontab", "etc/sudoers", "etc/master.passwd",
		"proc/self/", "proc/version", "proc/cpuinfo", "proc/1/",
		"/var/log/", "boot.ini", "win.ini", "system.ini",
		"windows/system32", "windows\\system32", "winnt/system32",
		"web-inf/web.xml", "web-inf\\web.xml", "meta-inf/",
		".htpasswd", ".htaccess", "/.ssh/", "id_rsa", ".bash_history",
		"wp-config.php", "/.git/", "\\.git\\", "/.svn/", "/.hg/", "/.env",
		"/.aws/credentials", "/.docker/config.json", "/.kube/config",
		"/.ds_store", "/web.config", "php://filter", "php://input",
		"phar://", "zip://", "file://", "/dev/tcp/", "<!--#include",
		// Windows system directories by drive or variable.
		":\\windows\\", ":/windows/", ":\\winnt\\", ":\\inetpub\\",
		"%systemroot%", "%windir%")
	// Shell binaries, the IFS trick that replaces spaces, and the
	// Shellshock function preamble.
	add(markShell,
		"/bin/sh", "/bin/bash", "/bin/zsh", "/bin/dash", "/bin/ksh",
		"/bin/busybox", "/usr/bin/env ", "cmd.exe", "cmd /c", "powershell.exe",
		"powershell -", "${ifs}", "$ifs", "() {", "(){", "expect://",
		"%comspec%", "<!--#exec", "$((")
	// Script URLs, DOM sinks and the calls XSS payloads make, and UTF-7's
	// spelling of '<'.
	add(markScript,
		"javascript:", "vbscript:", "livescript:", "data:text/html",
		"document.domain", "document.write", "window.location", ".innerhtml",
		".outerhtml", "-moz-binding", "alert(", "prompt(", "confirm(",
		"settimeout(", "setinterval(", "fromcharcode(", "+adw-", "expression(")
	add(markCookie, "document.cookie", "http-equiv")
	// Log4j lookups: "${jndi:" and the nested lookups that hide it.
	add(markJNDI,
		"${jndi:", "${lower:", "${upper:", "${::-", "${env:", "${sys:",
		"${java:", "${date:", "${base64:", "${main:")
	return ms
}

// markerSet finds every literal marker of a value in one pass.
type markerSet struct {
	set   *foldSet
	kinds []markerKind
}

func newMarkerSet(ms []marker) *markerSet {
	words := make([]string, len(ms))
	kinds := make([]markerKind, len(ms))
	for i, m := range ms {
		words[i], kinds[i] = m.word, m.kind
	}
	return &markerSet{set: newFoldSet(words...), kinds: kinds}
}

// markers tags what the literal markers in v mean, one tag per kind.
func (s *scan) markers(p *point, v string) {
	var seen [markJNDI + 1]bool
	set := s.d.markers.set
	for from := 0; from < len(v); {
		w, at := set.findFrom(v, from)
		if w < 0 {
			return
		}
		from = at + 1
		kind := s.d.markers.kinds[w]
		if seen[kind] {
			continue
		}
		word := set.words[w]
		switch kind {
		case markFile:
			if isProse(v) && !afterClimb(v[:at]) {
				continue
			}
			s.tag(engine.AttackLFI, p, "spoor-lfi", v, at, len(word),
				"reference to a sensitive file or stream: "+word)
		case markShell:
			s.tag(engine.AttackCmdInjection, p, "spoor-cmdi", v, at, len(word),
				"shell invocation: "+word)
		case markScript:
			s.tag(engine.AttackXSS, p, "spoor-xss", v, at, len(word),
				"script in a value: "+word)
		case markCookie:
			if !setsCookie(v[at:], word) {
				continue
			}
			s.tag(engine.AttackSessionFixation, p, "spoor-session-fixation", v, at, len(word),
				"value sets a cookie from HTML or script: "+word)
		case markJNDI:
			s.tag(engine.AttackGeneric, p, "spoor-jndi", v, at, len(word),
				"Log4j lookup "+word+" (Log4Shell)")
		}
		seen[kind] = true
	}
}

// setsCookie reports whether the text at a cookie marker assigns a cookie:
// "document.cookie=..." or a meta element's http-equiv="Set-Cookie".
func setsCookie(rest, word string) bool {
	if word == "document.cookie" {
		return strings.IndexByte(rest, '=') > 0
	}
	return indexFold(rest, "set-cookie") > 0
}

// afterClimb reports whether before ends with a dot-dot step, so that the
// file reference after it is reached by climbing, not named in a sentence.
func afterClimb(before string) bool {
	return strings.HasSuffix(before, "../") || strings.HasSuffix(before, "..\\")
}
