package demo

import (
	"net/http"
	"net/url"
)

// probe is one request of the scanner's list. target is already escaped, so
// every probe is a valid HTTP request whatever its payload.
type probe struct {
	method string
	target string
	body   any
}

// query builds path?name=value with the value escaped, the way a scanner
// puts a payload in a parameter.
func query(path, name, value string) string {
	return path + "?" + url.Values{name: {value}}.Encode()
}

// probes is the scanner's list: a baseline request, then SQL injection,
// cross-site scripting, path traversal, template and command injection, an
// open redirect, and the usual hunt for files left on the server. It is the
// traffic spoor's attack tags are meant to name.
func probes() []probe {
	get := func(target string) probe { return probe{method: http.MethodGet, target: target} }
	return []probe{
		get("/healthz"),
		get(query("/products", "page", "1")),
		get(query("/products", "page", "1' OR '1'='1")),
		get(query("/products", "page", "1 AND SLEEP(5)")),
		get(query("/products", "page", "1; DROP TABLE products--")),
		get(query("/search", "q", "1 UNION SELECT username,password FROM users--")),
		get(query("/search", "q", "' OR 1=1--")),
		get(query("/search", "q", "admin'--")),
		get("/users/1%20OR%201=1"),
		get(query("/search", "q", "<script>alert(1)</script>")),
		get(query("/search", "q", `"><img src=x onerror=alert(document.cookie)>`)),
		get(query("/search", "q", "javascript:alert(1)")),
		get("/products/..%2f..%2fetc%2fpasswd"),
		get(query("/products", "file", "../../../../etc/passwd")),
		get(query("/search", "q", "{{7*7}}")),
		get(query("/search", "q", "; cat /etc/passwd")),
		get(query("/products", "redirect", "https://evil.example/")),
		{method: http.MethodPost, target: "/login", body: credentials{Username: "admin' --", Password: "x"}},
		{method: http.MethodPost, target: "/login", body: map[string]any{"username": map[string]string{"$ne": ""}, "password": map[string]string{"$ne": ""}}},
		get("/.env"),
		get("/.git/config"),
		get("/wp-login.php"),
		get("/phpmyadmin/"),
		get("/admin/users"),
	}
}

// commonPasswords is the head of every leaked-password list.
func commonPasswords() []string {
	return []string{"123456", "password", "123456789", "qwerty", "12345678", "111111", "letmein", "iloveyou", "admin", "welcome", "monkey", "dragon", "Summer2024!", "Passw0rd", "football"}
}

// leakedCredentials is the one pair on the stuffer's list that works: carol
// reused her shop password on a site that was breached.
func leakedCredentials() credentials {
	acc, _ := findAccount("carol")
	return credentials{Username: acc.Username, Password: acc.Password}
}
