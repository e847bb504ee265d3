package demo

import _ "embed"

//go:embed spoor.yaml
var config []byte

// Config returns the spoor configuration the demo runs with (YAML): it names
// users and roles from the login form and the JWT, and hashes passwords and
// card numbers before they are stored.
func Config() []byte { return append([]byte(nil), config...) }
