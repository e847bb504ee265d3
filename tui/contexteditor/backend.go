package contexteditor

import "github.com/spoorhq/spoor/engine"

// Backend reads and saves the context parameters. cmd implements it over
// the store and the running capture. Every call does I/O, so the editor
// makes them only inside tea.Cmds.
type Backend interface {
	// Context returns the configured parameters, in order, and whether
	// credentials (Authorization, Cookie, Set-Cookie) are stored hashed.
	Context() (params []engine.ContextParam, hashSecrets bool, err error)
	// Save stores the parameters and the credential policy and has the
	// capture apply them to the exchanges it captures from then on.
	Save(params []engine.ContextParam, hashSecrets bool) error
	// Points names the request points the stored traffic carries, with
	// how many of the newest exchanges carried each: the completions for
	// a new parameter. Names, never values.
	Points() ([]engine.SeenPoint, error)
}
