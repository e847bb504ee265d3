// Package spec reads API specifications (OpenAPI 3.0 and 3.1, Swagger
// 2.0; YAML or JSON) with getkin/kin-openapi and says, for a request,
// what the specification makes of its endpoint: documented, shadow (no
// such path), zombie (deprecated, or in an older specification the user
// also gave and absent from the newer one) or undocumented_method, with
// the specification's path template and the parameters it declares.
//
// It takes the files' bytes, never a path: reading them is the caller's
// I/O, and external $refs are refused. It satisfies engine.Observer (to
// label each request during analysis) and inventory.Spec (to describe
// each endpoint of a snapshot).
package spec
