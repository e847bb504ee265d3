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
