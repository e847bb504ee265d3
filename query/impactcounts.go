package query

import "strings"

// nameCounts counts names for an impact's users and flows. A name may
// alias a borrowing scan's buffer (store.ScanOptions.Borrow): it is cloned
// the first time it is counted and only looked up after, because a map
// assignment stores the key it is given, even over an equal one.
type nameCounts map[string]*int

func (c nameCounts) add(name string, n int) {
	if p := c[name]; p != nil {
		*p += n
		return
	}
	c[strings.Clone(name)] = &n
}

// merge adds o's counts to c.
func (c nameCounts) merge(o nameCounts) {
	for name, n := range o {
		c.add(name, *n)
	}
}

// plain returns the counts as a map of values.
func (c nameCounts) plain() map[string]int {
	out := make(map[string]int, len(c))
	for name, n := range c {
		out[name] = *n
	}
	return out
}
