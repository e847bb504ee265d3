package conformance

import "fmt"

// Problems collects what a check found wrong, one line each, prefixed by
// where (a case or file name) when there is one.
type Problems []string

func (p *Problems) add(where, format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	if where != "" {
		msg = where + ": " + msg
	}
	*p = append(*p, msg)
}
