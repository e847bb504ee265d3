package export

import "github.com/spoorhq/spoor/engine"

// Requests calls fn with each request of a session, in time order, with
// its bodies, stopping at the first error. The caller loads bodies one
// request at a time, so that a long session is never in memory with its
// bodies.
type Requests func(fn func(x *engine.Exchange) error) error
