// Package specinput is the one-line input with which tui/listeditor (and
// so the key and context editors) adds an entry: a spec (a grouping key, a
// context point) typed with completions from the points spoor has seen,
// checked when entered, with the check's error shown under it until the
// next keystroke. Under the input a line lists the kinds of points seen
// (req.json.* 4) until what is typed narrows to one kind, then the names
// with how often each was seen; tab completes what the matches share.
package specinput
