package demo

import _ "embed"

//go:embed openapi.yaml
var openAPI []byte

// OpenAPI returns the OpenAPI 3.0 description of the demo shop (YAML),
// which `spoor demo` gives its API inventory. It is deliberately not the
// whole truth: GET /account is deprecated yet the mobile app calls it (a
// zombie), and GET /admin/users is served but not listed (a shadow).
func OpenAPI() []byte { return append([]byte(nil), openAPI...) }
