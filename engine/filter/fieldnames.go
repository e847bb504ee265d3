package filter

// FieldNames lists the fields the filter's terms test, in term order, a
// bare word as "text". A caller that can judge only some fields (a rule
// judged before the request is forwarded) refuses a filter with others.
func (f *Filter) FieldNames() []string {
	names := make([]string, len(f.terms))
	for i, t := range f.terms {
		names[i] = t.field.String()
	}
	return names
}

// NeedsSession reports whether judging a request needs its session: a
// term about the actor (user, role, key, abuse) or a bare word, which
// also looks at the session's key value and user. Without one a caller
// can judge requests on their own.
func (f *Filter) NeedsSession() bool {
	for _, t := range f.terms {
		switch t.field {
		case fieldUser, fieldRole, fieldKey, fieldAbuse, fieldText:
			return true
		}
	}
	return false
}
