package detect

// foldSet finds a fixed set of ASCII words in a string, ignoring ASCII
// case, in one pass. A position is compared only with the words that start
// with its byte, and only when the two bytes there begin some word, which
// a bitset answers in one lookup; so most positions of most values cost a
// table read. It replaces a regexp alternation where the words are plain
// text, at a fraction of the cost and without allocating.
type foldSet struct {
	words []string
	// first lists, for each lower-case byte, the indexes of the words that
	// start with it.
	first [256][]uint16
	// pairs holds the lower-cased first two bytes of every word, as a
	// bitset over 16-bit pairs.
	pairs [1 << 16 / 64]uint64
	// single marks the bytes that are a whole word on their own.
	single [256]bool
}

// newFoldSet returns a set of words, which it lower-cases. Empty words are
// dropped: they would match everywhere.
func newFoldSet(words ...string) *foldSet {
	f := &foldSet{}
	for _, w := range words {
		if w == "" {
			continue
		}
		w = lowerASCII(w)
		i := uint16(len(f.words))
		f.words = append(f.words, w)
		f.first[w[0]] = append(f.first[w[0]], i)
		if len(w) == 1 {
			f.single[w[0]] = true
			continue
		}
		k := uint16(w[0])<<8 | uint16(w[1])
		f.pairs[k>>6] |= 1 << (k & 63)
	}
	return f
}

// find returns the index of the word found earliest in s and where it
// starts, or -1, -1. Where two words start at one position, the one listed
// first wins.
func (f *foldSet) find(s string) (word, at int) {
	return f.findFrom(s, 0)
}

// findFrom is find starting at s[from:]; positions are indexes into s.
func (f *foldSet) findFrom(s string, from int) (word, at int) {
	for i := from; i < len(s); i++ {
		c := lower(s[i])
		cands := f.first[c]
		if len(cands) == 0 {
			continue
		}
		if !f.single[c] {
			if i+1 == len(s) {
				break
			}
			k := uint16(c)<<8 | uint16(lower(s[i+1]))
			if f.pairs[k>>6]&(1<<(k&63)) == 0 {
				continue
			}
		}
		for _, w := range cands {
			if hasPrefixFold(s[i:], f.words[w]) {
				return int(w), i
			}
		}
	}
	return -1, -1
}

// hasPrefixFold reports whether s starts with prefix, which is lower case,
// ignoring the ASCII case of s.
func hasPrefixFold(s, prefix string) bool {
	if len(s) < len(prefix) {
		return false
	}
	for i := 0; i < len(prefix); i++ {
		if lower(s[i]) != prefix[i] {
			return false
		}
	}
	return true
}

// indexFold returns the index of the lower-case word in s, ignoring the
// ASCII case of s, or -1.
func indexFold(s, word string) int {
	if word == "" {
		return 0
	}
	for i := 0; i+len(word) <= len(s); i++ {
		if lower(s[i]) == word[0] && hasPrefixFold(s[i:], word) {
			return i
		}
	}
	return -1
}

func lower(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

// lowerASCII lower-cases the ASCII letters of s, allocating only when s has
// an upper-case letter.
func lowerASCII(s string) string {
	for i := 0; i < len(s); i++ {
		if 'A' <= s[i] && s[i] <= 'Z' {
			b := []byte(s)
			for j := i; j < len(b); j++ {
				b[j] = lower(b[j])
			}
			return string(b)
		}
	}
	return s
}
