package detect

// class is a set of byte classes. A value's classes are the union of its
// bytes' classes; each check runs only when the value holds a class the
// check needs, so that a value such as "shoes" or "42" costs one table
// lookup per byte and nothing else.
type class uint16

const (
	// classSQL marks the bytes without which libinjection never reports
	// SQL injection: white space and control bytes, quotes, operators,
	// comment starts, '-', '@' and ','. Letters, digits, '.', ':', '?' and
	// '_' alone never yield a SQLi fingerprint (TestSQLiGate).
	classSQL class = 1 << iota
	// classXSS marks '<', '>', '=', quotes and '`'; libinjection's HTML5
	// contexts need one of them to report XSS.
	classXSS
	// classDot marks '.', needed by traversal and file names.
	classDot
	// classSlash marks '/' and '\\'.
	classSlash
	// classShell marks the shell's command separators and substitutions:
	// ';', '|', '&', '`', '$', '(' and line breaks.
	classShell
	// classTemplate marks '{' and '%', which start template expressions.
	classTemplate
	// classNewline marks CR and LF.
	classNewline
	// classColon marks ':', present in every absolute URL.
	classColon
	// classDollar marks '$', which starts NoSQL operators and lookups.
	classDollar
	// classLess marks '<', which starts XML declarations.
	classLess
)

// classTable maps each byte to its classes.
type classTable [256]class

// newClassTable builds the table; Detector keeps it so that no table is
// package state.
func newClassTable() classTable {
	var t classTable
	for c := 0; c < 256; c++ {
		if c <= ' ' || c >= 0x7f {
			// libinjection reads control bytes, 0x7f and non-ASCII bytes
			// (0xa0 among them) as white space or word characters of its
			// own; treating them as SQL syntax keeps the gate safe.
			t[c] |= classSQL
		}
	}
	for _, c := range []byte("'\"`();#=<>|&!*/\\+%{}[]~^$-@,") {
		t[c] |= classSQL
	}
	for _, c := range []byte("<>=\"'`") {
		t[c] |= classXSS
	}
	t['.'] |= classDot
	t['/'] |= classSlash
	t['\\'] |= classSlash
	for _, c := range []byte(";|&`$(\n") {
		t[c] |= classShell
	}
	t['{'] |= classTemplate
	t['%'] |= classTemplate
	t['\r'] |= classNewline
	t['\n'] |= classNewline
	t[':'] |= classColon
	t['$'] |= classDollar
	t['<'] |= classLess
	return t
}

// of returns the union of the classes of s's bytes.
func (t *classTable) of(s string) class {
	var m class
	for i := 0; i < len(s); i++ {
		m |= t[s[i]]
	}
	return m
}
