package engine

import "testing"

func TestEndpoint(t *testing.T) {
	for path, want := range map[string]string{
		"":                    "/",
		"/":                   "/",
		"/users":              "/users",
		"/users/":             "/users/",
		"/users/123":          "/users/{id}",
		"/users/123/orders/0": "/users/{id}/orders/{id}",
		"/v1/users":           "/v1/users",
		"/orders/6f1c2e0a-1b2c-4d5e-8f90-a1b2c3d4e5f6":      "/orders/{uuid}",
		"/orders/6F1C2E0A-1B2C-4D5E-8F90-A1B2C3D4E5F6":      "/orders/{uuid}",
		"/orders/6f1c2e0a-1b2c-4d5e-8f90-a1b2c3d4e5f":       "/orders/{token}", // not a UUID, still an id
		"/commits/9fceb02d0ae598e95dc970b74767f19372d61af8": "/commits/{hex}",
		"/objects/507f1f77bcf86cd799439011":                 "/objects/{hex}",
		"/colors/deadbeef":                                  "/colors/deadbeef", // hex letters only: a word
		"/short/abc123":                                     "/short/abc123",    // too short to be an id
		"/files/aGVsbG8gd29ybGQgdGhpcyBpcyBpZA":             "/files/{token}",
		"/reset/Xk9_pQ2-rT7vB3nM8wZ1yL4c":                   "/reset/{token}",
		"/docs/getting-started-with-the-api-guide":          "/docs/getting-started-with-the-api-guide",
		"/pay/hmac:0123456789abcdef01234567":                "/pay/{hash}",
		"/a//b":                                             "/a//b",
	} {
		if got := Endpoint(path); got != want {
			t.Errorf("Endpoint(%q) = %q, want %q", path, got, want)
		}
	}
}
