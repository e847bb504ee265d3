package detect

import (
	"strings"

	"github.com/corazawaf/libinjection-go"
)

// confirmed reports whether a Core Rule Set finding stands once tier 1's
// structure is asked about the value it matched. A few CRS rules match a
// shape that prose and links share with attacks, and tier 1 already tells
// them apart:
//
//   - 942100 is libinjection: a weak fingerprint without SQL syntax
//     ("price between 10 and 20") is a sentence (strongFingerprint).
//   - 941100 is libinjection's XSS check: a value whose only markup is a
//     processing instruction ("<?xml version=...?>") runs no script
//     (onlyInstructions).
//   - 930100 and 930110 match "../": a relative link to a page or asset
//     is not an attack (climbsOut), nor is a path in a sentence.
//   - 930120 matches a file name such as etc/hosts: a file named in a
//     sentence is a mention (isProse).
//   - 932120, 932235, 932250 and 932260 match a command at the start of
//     a value: a command followed by a word that is not an argument
//     ("perl one-liners", "wget is installed") is a phrase (commandEnds),
//     and a command quoted as code in a sentence is a mention
//     (markdownCode), for every rule of the command injection file.
//
// Every other rule stands as it fired.
func (d *Detector) confirmed(rule int, value string) bool {
	switch rule {
	case 942100:
		ok, fp := libinjection.IsSQLi(value)
		return !ok || strongFingerprint(fp) || sqlEvidence(value)
	case 941100:
		return !onlyInstructions(value)
	case 930100, 930110:
		return confirmTraversal(value)
	case 930120:
		return !isProse(value)
	case 932120, 932235, 932250, 932260:
		return d.commandLine(value) && !markdownCode(value)
	}
	if rule/1000 == 932 {
		return !markdownCode(value)
	}
	return true
}

// confirmTraversal reports whether a value 930100 or 930110 matched holds
// a traversal that climbsOut. The rules read the raw request line as well
// as the arguments, so the value is decoded and each of its parts (the
// path, each query name and value) is judged alone; a value in which
// none has a traversal tier 1 recognises stands as the rule found it.
func confirmTraversal(value string) bool {
	var dec decoder
	v := dec.decode(value, false)
	found := false
	for _, part := range strings.FieldsFunc(v, func(r rune) bool { return r == '?' || r == '&' || r == '=' }) {
		at := traversalAt(part)
		if at < 0 {
			continue
		}
		if climbsOut(part, at) && !isProse(part) {
			return true
		}
		found = true
	}
	return !found
}

// commandLine reports whether the first word of v is a known command
// that runs as a command line: followed by the end of v, a shell
// metacharacter or an argument (commandEnds), or a network command with a
// URL. A value whose first word is not a known command is left to the
// rule that matched it.
func (d *Detector) commandLine(v string) bool {
	i := 0
	for i < len(v) && (isShellSpace(v[i]) || v[i] == '\n' || v[i] == '\r') {
		i++
	}
	j := skipBinDir(v, i)
	word := j
	for j < len(v) && isWordByte(v[j]) {
		j++
	}
	if j == word || j-word > maxCommand {
		return true
	}
	w := v[word:j]
	if len(w) > 4 && hasPrefixFold(w[len(w)-4:], ".exe") {
		w = w[:len(w)-4]
	}
	if !inSet(d.commands, w) {
		return true
	}
	if j < len(v) && !isShellSpace(v[j]) {
		return true
	}
	return commandEnds(v, j, false) || inSet(d.netCommands, w) && nextIsURL(v, j)
}

// nextIsURL reports whether the word after v[j] is an absolute URL.
func nextIsURL(v string, j int) bool {
	for j < len(v) && isShellSpace(v[j]) {
		j++
	}
	k := j
	for k < len(v) && !isShellSpace(v[k]) {
		k++
	}
	return isURLArgument(v[j:k])
}

// markdownCode reports whether v is a sentence that quotes code the way
// Markdown does: every backtick pairs with another, each span stands
// between spaces (or the ends of v), and the text outside the spans
// isProse ("run `make test` before committing"). An injected
// substitution sits against the value it follows ("x`id`") or is the
// whole value ("`id`").
func markdownCode(v string) bool {
	if strings.Count(v, "`") < 2 || strings.Count(v, "`")%2 != 0 {
		return false
	}
	var outside strings.Builder
	rest := v
	for {
		i := strings.IndexByte(rest, '`')
		if i < 0 {
			outside.WriteString(rest)
			break
		}
		j := strings.IndexByte(rest[i+1:], '`')
		end := i + 1 + j
		if i > 0 && rest[i-1] != ' ' || end+1 < len(rest) && rest[end+1] != ' ' {
			return false
		}
		outside.WriteString(rest[:i])
		outside.WriteString("code")
		rest = rest[end+1:]
	}
	o := outside.String()
	return o != "code" && isProse(o)
}
