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
