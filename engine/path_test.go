package engine

import "testing"

func TestDecodePath(t *testing.T) {
	tests := []struct{ raw, want string }{
		{"/users/7", "/users/7"},
		{"/caf%C3%A9", "/café"},
		{"/a/..%2F..%2Fetc/passwd", "/a/../../etc/passwd"},
		{"//double//slash/./", "//double//slash/./"},
		{"/bad%zzescape", "/bad%zzescape"},
		{"/plus+stays", "/plus+stays"},
		{"/a%20b%3Fc", "/a b?c"},
		{"", ""},
	}
	for _, tt := range tests {
		if got := DecodePath(tt.raw); got != tt.want {
			t.Errorf("DecodePath(%q) = %q, want %q", tt.raw, got, tt.want)
		}
	}
}
