package detect

// foldSet finds a fixed set of ASCII words in a string, ignoring ASCII
// case, in one pass. A position is compared only with the words that start
// with its two bytes: a bitset says in one lookup whether any word does,
// and a table per first byte gives the range of those words. So most
// positions of most values cost a table read, and a list of hundreds of
// words (the Core Rule Set's restricted files) costs no more per position
// than a list of ten. It replaces a regexp alternation where the words are
// plain text, at a fraction of the cost and without allocating.
type foldSet struct {
	words []string
	// starts marks the bytes, in either case, some word starts with.
	starts [256]bool
	// single holds, for each lower-case byte that is a whole word on its
	// own, 1 + that word's index; 0 for the others.
	single [256]uint16
	// pairs holds the first two bytes of every longer word, in every
	// combination of their cases, as a bitset over 16-bit pairs: the
	// scan tests a value's bytes as they are, without lower-casing them.
	pairs [1 << 16 / 64]uint64
	// second maps a first byte to the bounds, per second byte, of the
	// words in byPair that start with the two: byPair[b[c2]:b[c2+1]] for
	// b = second[c1]. Nil when no longer word starts with c1.
	second [256]*[257]uint16
	// byPair holds the indexes of the longer words grouped by their first
	// two bytes, each group in the order the words were given.
	byPair []uint16
	// common holds, at the start of each group in byPair, the length of
	// the prefix all the group's words share: a position that does not
	// start with it is passed over without trying each word (the list of
	// restricted files has some eighty words starting with "proc/").
	common []uint8
}

// newFoldSet returns a set of words, which it lower-cases. Empty words are
// dropped: they would match everywhere.
func newFoldSet(words ...string) *foldSet {
	f := &foldSet{}
	var counts [1 << 16]uint16
	for _, w := range words {
		if w == "" {
			continue
		}
		w = lowerASCII(w)
		i := uint16(len(f.words))
		f.words = append(f.words, w)
		f.starts[w[0]], f.starts[upper(w[0])] = true, true
		if len(w) == 1 {
			if f.single[w[0]] == 0 {
				f.single[w[0]] = i + 1
			}
			continue
		}
		for _, c1 := range [2]byte{w[0], upper(w[0])} {
			for _, c2 := range [2]byte{w[1], upper(w[1])} {
				k := pairKey(c1, c2)
				f.pairs[k>>6] |= 1 << (k & 63)
			}
		}
		counts[pairKey(w[0], w[1])]++
	}
	// Lay the groups out in pair order; each group's bounds come from the
	// running sum of the counts.
	next := make([]uint16, 1<<16)
	var sum uint16
	for c1 := 0; c1 < 256; c1++ {
		var b *[257]uint16
		for c2 := 0; c2 < 256; c2++ {
			k := pairKey(byte(c1), byte(c2))
			if counts[k] > 0 && b == nil {
				b = new([257]uint16)
				for j := 0; j < c2; j++ {
					b[j] = sum
				}
			}
			if b != nil {
				b[c2] = sum
			}
			next[k] = sum
			sum += counts[k]
		}
		if b != nil {
			b[256] = sum
			f.second[c1] = b
		}
	}
	f.byPair = make([]uint16, sum)
	for i, w := range f.words {
		if len(w) > 1 {
			k := pairKey(w[0], w[1])
			f.byPair[next[k]] = uint16(i)
			next[k]++
		}
	}
	f.common = make([]uint8, len(f.byPair))
	for _, b := range f.second {
		if b == nil {
			continue
		}
		for c2 := 0; c2 < 256; c2++ {
			if lo, hi := b[c2], b[c2+1]; lo < hi {
				f.common[lo] = uint8(min(255, f.sharedPrefix(f.byPair[lo:hi])))
			}
		}
	}
	return f
}

// sharedPrefix returns the length of the prefix the words at idx share.
func (f *foldSet) sharedPrefix(idx []uint16) int {
	p := f.words[idx[0]]
	for _, w := range idx[1:] {
		n := 0
		for n < len(p) && n < len(f.words[w]) && p[n] == f.words[w][n] {
			n++
		}
		p = p[:n]
	}
	return len(p)
}

func pairKey(c1, c2 byte) uint16 { return uint16(c1)<<8 | uint16(c2) }

// find returns the index of the word found earliest in s and where it
// starts, or -1, -1. Where two words start at one position, the one listed
// first wins.
func (f *foldSet) find(s string) (word, at int) {
	return f.findFrom(s, 0)
}

// findFrom is find starting at s[from:]; positions are indexes into s.
func (f *foldSet) findFrom(s string, from int) (word, at int) {
	for i := from; i < len(s); i++ {
		if !f.starts[s[i]] {
			continue
		}
		c := lower(s[i])
		found := int(f.single[c]) - 1
		if i+1 < len(s) {
			if k := pairKey(s[i], s[i+1]); f.pairs[k>>6]&(1<<(k&63)) != 0 {
				c2 := lower(s[i+1])
				b := f.second[c]
				lo, hi := b[c2], b[c2+1]
				rest := s[i+2:]
				if n := int(f.common[lo]); n > 2 && !hasPrefixFold(rest, f.words[f.byPair[lo]][2:n]) {
					lo = hi
				}
				for _, w := range f.byPair[lo:hi] {
					if found >= 0 && int(w) > found {
						break
					}
					if hasPrefixFold(rest, f.words[w][2:]) {
						found = int(w)
						break
					}
				}
			}
		}
		if found >= 0 {
			return found, i
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

func upper(c byte) byte {
	if 'a' <= c && c <= 'z' {
		return c - ('a' - 'A')
	}
	return c
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
