package detect

import "github.com/spoorhq/spoor/engine"

// sessionIDNames lists the parameter names application servers read a
// session id from. A link that carries one makes its victim use the
// attacker's session (session fixation), which is why the check asks where
// the request came from.
func sessionIDNames() []string {
	return []string{
		"jsessionid", "aspsessionid", "asp.net_sessionid", "phpsession",
		"phpsessid", "weblogicsession", "session_id", "session-id", "cfid",
		"cftoken", "cfsid", "jservsession", "jwsession",
	}
}

// sessionName tags a session-id parameter in a request that no page of
// the site led to: no Referer, or a Referer on another site.
func (s *scan) sessionName(p *point) {
	if !p.leafIn(s.d.sessionNames) {
		return
	}
	ref := s.x.ReqHeader("Referer")
	if ref != "" {
		_, host, ok := urlParts(ref)
		if !ok || s.host == "" || sameSite(host, s.host) {
			return
		}
	}
	why := "session id parameter in a request without a Referer"
	if ref != "" {
		why = "session id parameter in a request referred by another site"
	}
	name := p.name
	if p.kind == pointJSON {
		name = string(p.path)
	}
	s.tag(engine.AttackSessionFixation, p, "spoor-session-fixation", name, 0, len(name), why)
}
