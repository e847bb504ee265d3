package relay

import (
	"fmt"
	"strconv"
	"strings"
)

// ID identifies a published exchange: the node that captured it, the run
// of that node (when it started, in Unix nanoseconds, so that a restarted
// node's sequence starting again at one names new exchanges) and its
// sequence within the run.
type ID struct {
	Node string
	Run  uint64
	Seq  uint64
}

// String is the id as Nats-Msg-Id and engine.Exchange.Delivery carry it:
// node/run/seq.
func (id ID) String() string {
	return id.Node + "/" + strconv.FormatUint(id.Run, 10) + "/" + strconv.FormatUint(id.Seq, 10)
}

// ParseID reads an id's string.
func ParseID(s string) (ID, error) {
	rest, seq, ok1 := cutLast(s)
	node, run, ok2 := cutLast(rest)
	if !ok1 || !ok2 {
		return ID{}, fmt.Errorf("invalid id %q: want node/run/seq", s)
	}
	if err := CheckNode(node); err != nil {
		return ID{}, fmt.Errorf("invalid id %q: %w", s, err)
	}
	id := ID{Node: node}
	var err1, err2 error
	id.Run, err1 = strconv.ParseUint(run, 10, 64)
	id.Seq, err2 = strconv.ParseUint(seq, 10, 64)
	if err1 != nil || err2 != nil {
		return ID{}, fmt.Errorf("invalid id %q: want node/run/seq", s)
	}
	return id, nil
}

// cutLast cuts s around its last '/'.
func cutLast(s string) (before, after string, ok bool) {
	i := strings.LastIndexByte(s, '/')
	if i < 0 {
		return s, "", false
	}
	return s[:i], s[i+1:], true
}

// CheckNode reports whether name can name a node: it is one token of a
// NATS subject, so letters, digits, '-' and '_' only, at most 64 of them.
func CheckNode(name string) error {
	if name == "" || len(name) > 64 {
		return fmt.Errorf("invalid node name %q: want 1 to 64 letters, digits, - or _", name)
	}
	if i := strings.IndexFunc(name, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_')
	}); i >= 0 {
		return fmt.Errorf("invalid node name %q: %q at %d; want letters, digits, - or _", name, name[i], i)
	}
	return nil
}
