package detect

import (
	"net/url"
	"strings"
	"testing"
)

// TestConfirmedDropsProseAndLinks checks that the Core Rule Set findings
// tier 1 reads as prose or links are dropped (confirmed), and that the
// attacks the same rules find still stand.
func TestConfirmedDropsProseAndLinks(t *testing.T) {
	d := newCRSDetector(t, Options{})
	tests := []struct {
		value string
		rule  string // the rule that must fire, or "" for no tag at all
	}{
		{"perl one-liners", ""},
		{"wget is installed by default", ""},
		{"ls is short for list", ""},
		{"price between 10 and 20", ""},
		{"../images/logo.png", ""},
		{"the file is at ../../shared/notes.txt", ""},
		{"Run cat /etc/hosts to see your host entries", ""},
		{"run `make test` before committing", ""},
		{`<?xml version="1.0"?>`, ""},
		{"<script>alert(1)</script>", "crs-941100"},
		{"../../../etc/passwd", "crs-930100"},
		{"/etc/shadow", "crs-930120"},
		{"1' or '1'='1", "crs-942100"},
	}
	for _, tt := range tests {
		tags, err := d.Tier2(get("/search?q="+url.QueryEscape(tt.value)), nil)
		if err != nil {
			t.Fatal(err)
		}
		if tt.rule == "" {
			if len(tags) > 0 {
				t.Errorf("%q tagged %+v", tt.value, tags)
			}
			continue
		}
		var rules []string
		for _, tag := range tags {
			rules = append(rules, tag.Rule)
		}
		if !strings.Contains(strings.Join(rules, " "), tt.rule) {
			t.Errorf("%q: rules %v, want %s", tt.value, rules, tt.rule)
		}
	}
}

func TestMarkdownCode(t *testing.T) {
	for v, want := range map[string]bool{
		"run `make test` before committing": true,
		"use `ls -la` to list files":        true,
		"`id`":                              false,
		"x`id`":                             false,
		"a `b` c; `d`":                      false,
		"one `unpaired tick":                false,
	} {
		if got := markdownCode(v); got != want {
			t.Errorf("markdownCode(%q) = %v, want %v", v, got, want)
		}
	}
}
