// Package exportprompt is the line that asks where `e` and `E` write a
// session's export and `r` its report (or the report of the filter's
// sessions, a choice tab switches): it shows the full path the export will take, prefilled
// with the default (the data directory's exports/), and lets the user
// change it before anything is written. It only edits the path: writing,
// and choosing a free name rather than overwriting a file, happen in the
// root's command.
package exportprompt
