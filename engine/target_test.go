package engine

import "testing"

func TestTarget(t *testing.T) {
	tests := []struct{ path, query, want string }{
		{"/items", "", "/items"},
		{"/items", "page=2&q=a%20b", "/items?page=2&q=a%20b"},
		{"", "x", "?x"},
		{"/a b", "", "/a b"},
	}
	for _, tt := range tests {
		x := Exchange{Path: tt.path, Query: tt.query}
		if got := x.Target(); got != tt.want {
			t.Errorf("Target of %q and %q = %q, want %q", tt.path, tt.query, got, tt.want)
		}
	}
}
