package detect

import (
	"strings"
	"testing"
)

// naiveFind is foldSet.findFrom by brute force: at each position, the
// first listed word that starts there.
func naiveFind(words []string, s string, from int) (int, int) {
	for i := from; i < len(s); i++ {
		for w, word := range words {
			if word != "" && hasPrefixFold(s[i:], lowerASCII(word)) {
				return w, i
			}
		}
	}
	return -1, -1
}

// foldWords is a list whose words share first bytes, prefixes and whole
// lengths, with one-byte words listed before and after longer words that
// start with the same byte.
func foldWords() []string {
	return []string{"x", "proc/1", "proc/self", "proc/", "PROC/s", "/.git/", "/.", "ab", "abc", "a", "b", "zz", "z", "${jndi:", "${"}
}

func TestFoldSetFind(t *testing.T) {
	words := foldWords()
	f := newFoldSet(words...)
	for _, s := range []string{
		"", "p", "pr", "proc", "proc/", "/PROC/SELF/environ", "xproc/1", "/.git/config", "/.env",
		"AB", "zabc", "zz", "${jndi:ldap://x}", "${x}", "products/48213",
	} {
		for from := 0; from <= len(s); from++ {
			w, at := f.findFrom(s, from)
			nw, nat := naiveFind(words, s, from)
			if w != nw || at != nat {
				t.Errorf("findFrom(%q, %d) = %d, %d; want %d, %d", s, from, w, at, nw, nat)
			}
		}
	}
}

// FuzzFoldSet checks that foldSet finds what a brute-force search finds,
// on the restricted files list and on a list built to collide.
func FuzzFoldSet(f *testing.F) {
	files, err := restrictedFiles()
	if err != nil {
		f.Fatal(err)
	}
	sets := [][]string{foldWords(), files}
	folds := []*foldSet{newFoldSet(sets[0]...), newFoldSet(sets[1]...)}
	for _, s := range []string{"/api/v1/products/48213/reviews", "/proc/self/environ", "/.git/HEAD", "${jndi:"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if len(s) > 128 {
			s = s[:128]
		}
		for i, fs := range folds {
			w, at := fs.find(s)
			nw, nat := naiveFind(sets[i], s, 0)
			if w != nw || at != nat {
				t.Fatalf("find(%q) = %d, %d; want %d, %d (%q)", s, w, at, nw, nat, strings.Join(sets[i][:min(3, len(sets[i]))], " "))
			}
		}
	})
}
