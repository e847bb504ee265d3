package store

// The tests look indexes up by one value; the store's callers (package
// query) pass a predicate.

func (s *Store) SessionIDsWith(field, value string) ([]string, error) {
	return s.SessionIDsMatching(field, func(v string) bool { return v == value })
}

func (s *Store) ExchangeIDsWith(field, value, sessionID string) ([]uint64, error) {
	return s.ExchangeIDsMatching(field, func(v string) bool { return v == value }, sessionID)
}
