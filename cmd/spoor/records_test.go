package main

import "github.com/spoorhq/spoor/export"

// The tests read spoor's JSON output back into the contract's own types.
type (
	sessionJSON = export.SessionJSON
	requestJSON = export.RequestJSON
	attackJSON  = export.AttackJSON
)

func csvColumns() []string { return export.CSVColumns() }
