// Package search is the `/` fuzzy search over the loaded sessions: key
// values, users, IPs, user agents and the endpoints seen so far, ranked by
// sahilm/fuzzy with the matched characters kept for highlighting.
//
// Matching runs in a tea.Cmd. Every edit of the query bumps a generation
// counter and results carry the generation they were computed for, so a
// slow result of an older query is dropped instead of overwriting a newer
// one. It never reads the store.
package search
