package keyeditor

import (
	"context"

	"github.com/spoorhq/spoor/engine"
)

// Backend reads and changes the grouping keys. cmd implements it over the
// store. Every call does I/O, so the editor makes them only inside
// tea.Cmds.
type Backend interface {
	// Keys returns the keys the user configured, in order, and whether
	// the built-in keys follow them.
	Keys() (configured []string, builtin bool, err error)
	// Preview tells what regrouping the stored history with these keys
	// would do, without changing anything.
	Preview(configured []string, builtin bool) (Preview, error)
	// Apply saves the keys and regroups the stored history, calling
	// progress as it goes. It may be slow; ctx cancels it.
	Apply(ctx context.Context, configured []string, builtin bool, progress func(done, total int)) error
	// Points names the request points the stored traffic carries (a
	// bounded sample of the newest exchanges), with how many of them
	// carried each: the completions for a new key. Names, never values.
	Points() ([]engine.SeenPoint, error)
}

// Preview is what a change of grouping keys would do: Before sessions
// become After, Merged of the new ones take exchanges from several old
// ones, and Split old ones spread over several new ones.
type Preview struct {
	Before, After, Merged, Split int
}
