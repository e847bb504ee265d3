package detect

import (
	"strings"

	"github.com/spoorhq/spoor/engine"
)

// nosqlOperators lists MongoDB query operators. An operator where the
// application expects a plain value turns a lookup into a comparison:
// {"password": {"$ne": ""}} matches every password.
func nosqlOperators() []string {
	return []string{
		"ne", "eq", "gt", "gte", "lt", "lte", "in", "nin", "regex", "where",
		"exists", "or", "and", "not", "nor", "expr", "elemmatch", "function",
		"accumulator", "all", "size", "type", "mod", "text", "jsonschema",
		"options", "comment",
	}
}

// nosqlOperatorAt returns where s holds a "$op" operator that is a whole
// token: after '{', '[', a quote, ',', white space or the start, and
// before ']', a quote, ':', white space or the end. It returns -1 when
// there is none; "$5.00" and "${x}" are not operators.
func (s *scan) nosqlOperatorAt(v string) (at, n int) {
	for i := strings.IndexByte(v, '$'); i >= 0; {
		if i == 0 || strings.IndexByte("{[\"', \t", v[i-1]) >= 0 {
			j := i + 1
			for j < len(v) && ('a' <= lower(v[j]) && lower(v[j]) <= 'z') {
				j++
			}
			if j > i+1 && j-i <= 16 && (j == len(v) || strings.IndexByte("]\"': \t", v[j]) >= 0) && s.isOperator(v[i+1:j]) {
				return i, j - i
			}
		}
		k := strings.IndexByte(v[i+1:], '$')
		if k < 0 {
			break
		}
		i += 1 + k
	}
	return -1, 0
}

// isOperator looks an operator name up, lower-cased, without allocating.
func (s *scan) isOperator(name string) bool {
	return inSet(s.d.nosqlOps, name)
}

// nosqlName tags a query or form parameter name that smuggles an operator
// in the bracket syntax PHP, Express (qs) and Rails expand into objects:
// user[$ne]=x.
func (s *scan) nosqlName(p *point, name string) {
	for i := strings.Index(name, "[$"); i >= 0; {
		end := strings.IndexByte(name[i:], ']')
		if end < 0 {
			return
		}
		op := name[i+2 : i+end]
		if op != "" && len(op) <= 16 && s.isOperator(op) {
			s.tag(engine.AttackNoSQLi, p, "spoor-nosqli", name, i+1, end-1,
				"NoSQL operator $"+op+" in the parameter name")
			return
		}
		k := strings.Index(name[i+end:], "[$")
		if k < 0 {
			return
		}
		i += end + k
	}
}

// nosqlValue tags a value carrying an operator in JSON or object syntax,
// as sent to APIs that parse a parameter as a query: {"$gt": ""}.
func (s *scan) nosqlValue(p *point, v string) {
	if at, n := s.nosqlOperatorAt(v); at >= 0 && strings.ContainsAny(v, "{[") {
		s.tag(engine.AttackNoSQLi, p, "spoor-nosqli", v, at, n,
			"NoSQL operator "+v[at:at+n]+" in the value")
	}
}
