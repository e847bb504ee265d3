package detect

import (
	"fmt"
	"reflect"
	"testing"
)

// collector records what a walk reports.
type collector struct {
	keys, leaves []string
}

func (c *collector) jsonKey(path []byte, key string) {
	c.keys = append(c.keys, fmt.Sprintf("%s=%s", path, key))
}

func (c *collector) jsonString(path []byte, value string) {
	c.leaves = append(c.leaves, fmt.Sprintf("%s=%s", path, value))
}

func TestJSONWalk(t *testing.T) {
	tests := []struct {
		doc    string
		leaves []string
		keys   []string
		ok     bool
	}{
		{`{"a":"x","b":{"c":"y"}}`, []string{"a=x", "b.c=y"}, []string{"a=a", "b=b", "b.c=c"}, true},
		{`{"items":[{"sku":"A-1","qty":2},{"sku":"B"}]}`, []string{"items.0.sku=A-1", "items.1.sku=B"}, []string{"items=items", "items.0.sku=sku", "items.0.qty=qty", "items.1.sku=sku"}, true},
		{`["a",["b","c"],{}]`, []string{"0=a", "1.0=b", "1.1=c"}, nil, true},
		{`"top"`, []string{"=top"}, nil, true},
		{` { "e" : "a\"b\\c\u00e9\ud83d\ude00\n" } `, []string{"e=a\"b\\cé\U0001F600\n"}, []string{"e=e"}, true},
		{`{"k\u0024ne":"v"}`, []string{"k$ne=v"}, []string{"k$ne=k$ne"}, true},
		{`{"a":[],"b":{},"c":null,"d":true,"e":-1.5e3}`, nil, []string{"a=a", "b=b", "c=c", "d=d", "e=e"}, true},
		{`{"a":"x","b":"y`, []string{"a=x"}, []string{"a=a", "b=b"}, false}, // cut at the capture cap
		{`{"a":"x"]`, []string{"a=x"}, []string{"a=a"}, false},
		{`{"a" "x"}`, nil, []string{"a=a"}, false},
		{`{"a":"x"} trailing`, []string{"a=x"}, []string{"a=a"}, false},
		{``, nil, nil, false},
	}
	var w jsonWalker
	for _, tt := range tests {
		var c collector
		err := w.walk(tt.doc, &c)
		if (err == nil) != tt.ok {
			t.Errorf("walk(%q) error %v, want ok %v", tt.doc, err, tt.ok)
		}
		if !reflect.DeepEqual(c.leaves, tt.leaves) {
			t.Errorf("walk(%q) leaves %q, want %q", tt.doc, c.leaves, tt.leaves)
		}
		if !reflect.DeepEqual(c.keys, tt.keys) {
			t.Errorf("walk(%q) keys %q, want %q", tt.doc, c.keys, tt.keys)
		}
	}
}

func TestJSONWalkLimits(t *testing.T) {
	var w jsonWalker
	deep := ""
	for i := 0; i < maxJSONDepth+10; i++ {
		deep += "["
	}
	if err := w.walk(deep, &collector{}); err != errJSONLimit {
		t.Errorf("deep document: error %v, want %v", err, errJSONLimit)
	}
	many := "["
	for i := 0; i < maxJSONLeaves+10; i++ {
		many += `"x",`
	}
	var c collector
	if err := w.walk(many+`"x"]`, &c); err != errJSONLimit || len(c.leaves) != maxJSONLeaves {
		t.Errorf("wide document: error %v and %d leaves, want %v and %d", err, len(c.leaves), errJSONLimit, maxJSONLeaves)
	}
}
