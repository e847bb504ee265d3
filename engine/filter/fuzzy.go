package filter

// fuzzyMatch reports whether word, already in lower case, occurs in s as a
// subsequence, ignoring ASCII case, inside a window of at most twice its
// length. The window is what keeps fuzzy text useful as a filter rather than
// a ranking: without it, a three-letter word would match almost any long
// user agent.
func fuzzyMatch(word, s string) bool {
	if word == "" {
		return true
	}
	window := 2 * len(word)
	for i := 0; i+len(word) <= len(s); i++ {
		if lowerASCII(s[i]) != word[0] {
			continue
		}
		k := 1
		for j := i + 1; j < len(s) && j-i < window && k < len(word); j++ {
			if lowerASCII(s[j]) == word[k] {
				k++
			}
		}
		if k == len(word) {
			return true
		}
	}
	return false
}

// lowerWord lowers the ASCII letters of a fuzzy word once, at parse time.
func lowerWord(s string) string {
	b := []byte(s)
	for i, c := range b {
		b[i] = lowerASCII(c)
	}
	return string(b)
}
