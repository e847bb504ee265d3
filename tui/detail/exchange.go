package detail

import "github.com/spoorhq/spoor/engine"

// Exchange is the request on display (its bodies once loaded).
func (m Model) Exchange() engine.Exchange { return m.x.Exchange }
