// Package filterbar is the structured filter input: the filter language of
// engine/filter, parsed as the user types so that a mistake is shown at
// once with a caret under its column, and a history of applied filters
// walked with up and down. Attack and abuse types, flows and methods are
// checked against the vocabulary the root hands it (SetVocabulary), which
// the root reads from the store in a tea.Cmd.
//
// It parses but never matches: the root model applies the filter to
// sessions inside a tea.Cmd. It holds no state beyond its input and
// history and never reads the store.
package filterbar
