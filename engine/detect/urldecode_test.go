package detect

import "testing"

func TestDecode(t *testing.T) {
	tests := []struct {
		in   string
		plus bool
		want string
	}{
		{"plain", true, "plain"},
		{"a+b", true, "a b"},
		{"a+b", false, "a+b"},
		{"%27%20or%201%3D1", true, "' or 1=1"},
		{"%2527", true, "'"},           // double encoded
		{"%25252e%25252e", true, ".."}, // triple encoded
		{"%2B", true, "+"},             // an encoded plus stays a plus
		{"100%", true, "100%"},         // malformed escapes are kept
		{"%zz%4", true, "%zz%4"},
		{"%u0027%u003C", true, "'<"}, // IIS %u escapes
		{"%uFF1Cscript%uFF1E", true, "<script>"},
		{"%c0%ae%c0%ae/", true, "../"},          // overlong UTF-8
		{"%EF%BC%9Cx%EF%BC%9E", true, "<x>"},    // fullwidth forms
		{"..%u2215..%u2216x", true, "../..\\x"}, // IIS's division slash and set minus
		{"caf%C3%A9", true, "café"},             // real UTF-8 stays
		{"%F0%9F%98%80", true, "\U0001F600"},    // four-byte UTF-8 stays
		{"%ef%bc", true, "\xef\xbc"},            // a cut fullwidth form stays
		{"%25252541", true, "%41"},              // decoding stops after three passes
		{"%00", true, "\x00"},
	}
	var d decoder
	for _, tt := range tests {
		if got := d.decode(tt.in, tt.plus); got != tt.want {
			t.Errorf("decode(%q, %v) = %q, want %q", tt.in, tt.plus, got, tt.want)
		}
	}
}

func TestDecodeNoAllocationWhenPlain(t *testing.T) {
	var d decoder
	allocs := testing.AllocsPerRun(100, func() {
		_ = d.decode("category=shoes&page=2", true)
	})
	if allocs != 0 {
		t.Errorf("%v allocations decoding a plain value", allocs)
	}
}
