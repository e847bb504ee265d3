package detect

// maxWord bounds the words a wordSet holds, so that a lookup lower-cases
// into a stack buffer and never allocates.
const maxWord = 32

// wordSet is a set of lower-case ASCII words (parameter names, commands,
// operators) looked up ignoring case. Before it hashes, a lookup checks
// the candidate's length and first byte against the set's, which rejects
// most parameter names of most requests for the price of two comparisons.
type wordSet struct {
	words          map[string]bool
	minLen, maxLen int
	first          [256]bool
}

// newWordSet returns the set of words, lower-cased. Words longer than
// maxWord are dropped.
func newWordSet(words []string) *wordSet {
	w := &wordSet{words: make(map[string]bool, len(words)), minLen: maxWord}
	for _, word := range words {
		if word == "" || len(word) > maxWord {
			continue
		}
		word = lowerASCII(word)
		w.words[word] = true
		w.minLen = min(w.minLen, len(word))
		w.maxLen = max(w.maxLen, len(word))
		w.first[word[0]] = true
	}
	return w
}

// inSet reports whether s, lower-cased, is in w.
func inSet[T string | []byte](w *wordSet, s T) bool {
	if len(s) < w.minLen || len(s) > w.maxLen || !w.first[lower(s[0])] {
		return false
	}
	var buf [maxWord]byte
	for i := 0; i < len(s); i++ {
		buf[i] = lower(s[i])
	}
	return w.words[string(buf[:len(s)])]
}
