package engine

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
)

// LoginEndpoint is an endpoint known to take credentials although its path
// does not say "login": a CMS admin form, a Java EE form login, an OAuth
// token endpoint. Requests it matches are login attempts for the abuse
// detectors, which then infer from the answer whether the credentials
// worked. `spoor logins` prints the effective list with each reason.
type LoginEndpoint struct {
	// Match is a flow pattern: "POST /**/wp-login.php".
	Match string
	// Body, when set, must occur in the request body: xmlrpc.php is a
	// login only when it calls system.multicall or wp.getUsersBlogs. A
	// request whose body was not captured (an access log) is judged by
	// its method and path alone.
	Body string
	// Reason says what the endpoint is and why its requests are logins.
	Reason string
	// Builtin marks the entries spoor ships, as `spoor logins` prints.
	Builtin bool
}

// DefaultLoginEndpoints are the well-known logins spoor recognises without
// configuration. It is a function so that every caller gets its own copy.
// Patterns start with "/**/" so that a site installed under a prefix
// (/blog/wp-login.php) is matched like one at the root.
func DefaultLoginEndpoints() []LoginEndpoint {
	b := func(match, body, reason string) LoginEndpoint {
		return LoginEndpoint{Match: match, Body: body, Reason: reason, Builtin: true}
	}
	return []LoginEndpoint{
		b("POST /**/wp-login.php", "", "WordPress login form; a wrong password answers 200 with the form again"),
		b("POST /**/xmlrpc.php", "system.multicall", "WordPress XML-RPC system.multicall: hundreds of password guesses in one request"),
		b("POST /**/xmlrpc.php", "wp.getUsersBlogs", "WordPress XML-RPC wp.getUsersBlogs checks a user name and password"),
		b("POST /**/administrator/index.php", "", "Joomla administrator login; a wrong password answers 200 or 303 back to the form"),
		b("POST /**/user/login", "", "Drupal login form"),
		b("POST /**/j_security_check", "", "Java EE form login (Tomcat, JBoss, WebSphere)"),
		b("POST /**/admin/login", "", "Django admin login; a wrong password answers 200 with the form again"),
		b("POST /**/users/sign_in", "", "Rails Devise sign-in"),
		b("POST /**/oauth/token", "", "OAuth 2 token endpoint: the password and client-credentials grants carry secrets"),
		b("POST /**/oauth2/token", "", "OAuth 2 token endpoint"),
		b("POST /**/connect/token", "", "OpenID Connect token endpoint (IdentityServer, Keycloak-style)"),
		b("POST /**/protocol/openid-connect/token", "", "Keycloak token endpoint"),
		b("POST /**/phpmyadmin/index.php", "", "phpMyAdmin login form"),
		b("POST /**/login.php", "", "PHP login script"),
		b("POST /**/signin.php", "", "PHP sign-in script"),
		b("POST /**/auth.php", "", "PHP authentication script"),
	}
}

// LoginTable matches exchanges against login endpoints.
type LoginTable struct {
	entries  []LoginEndpoint
	patterns []flowPattern
}

// NewLoginTable compiles the built-in login endpoints followed by extra,
// which a configuration adds.
func NewLoginTable(extra []LoginEndpoint) (*LoginTable, error) {
	all := append(DefaultLoginEndpoints(), extra...)
	t := &LoginTable{entries: make([]LoginEndpoint, 0, len(all)), patterns: make([]flowPattern, 0, len(all))}
	for i, e := range all {
		p, err := compileLogin(e)
		if err != nil {
			if !e.Builtin {
				return nil, fmt.Errorf("logins[%d]: %w", i-len(all)+len(extra), err)
			}
			return nil, err
		}
		t.entries = append(t.entries, e)
		t.patterns = append(t.patterns, p)
	}
	return t, nil
}

func compileLogin(e LoginEndpoint) (flowPattern, error) {
	if strings.TrimSpace(e.Match) == "" {
		return flowPattern{}, errors.New("login endpoint without a match pattern")
	}
	return parseFlowPattern(e.Match)
}

// Endpoints returns the table's entries in match order.
func (t *LoginTable) Endpoints() []LoginEndpoint {
	return append([]LoginEndpoint(nil), t.entries...)
}

// Match returns the first endpoint that x's method, path and body match.
func (t *LoginTable) Match(x *Exchange) (LoginEndpoint, bool) {
	for i := range t.patterns {
		p := &t.patterns[i]
		if p.method != "" && !strings.EqualFold(p.method, x.Method) {
			continue
		}
		if !p.path.Match(x.Path) {
			continue
		}
		if e := &t.entries[i]; e.Body != "" && len(x.ReqBody.Data) > 0 && !bytes.Contains(x.ReqBody.Data, []byte(e.Body)) {
			continue
		}
		return t.entries[i], true
	}
	return LoginEndpoint{}, false
}
