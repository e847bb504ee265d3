package workstation

import "errors"

// cleanup is the stack of what Open has done so far: each step pushes its
// undo once it succeeded, and run undoes them in reverse, whichever step
// failed, so one sequence serves both a failed Open and Close.
type cleanup struct{ undo []func() error }

func (c *cleanup) push(f func() error) { c.undo = append(c.undo, f) }

// run undoes every step in reverse, reporting every failure, and empties
// the stack.
func (c *cleanup) run() error {
	var errs []error
	for i := len(c.undo) - 1; i >= 0; i-- {
		if err := c.undo[i](); err != nil {
			errs = append(errs, err)
		}
	}
	c.undo = nil
	return errors.Join(errs...)
}
