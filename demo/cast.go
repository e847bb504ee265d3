package demo

// Kind says how an actor behaves, and so what spoor should conclude about
// its session.
type Kind string

// The kinds of actor in the cast.
const (
	KindCookieUser        Kind = "cookie-user"
	KindJWTUser           Kind = "jwt-user"
	KindAttacker          Kind = "attacker"
	KindCredentialStuffer Kind = "credential-stuffer"
	KindScraper           Kind = "scraper"
	KindEnumerator        Kind = "enumerator"
	KindMCPAgent          Kind = "mcp-agent"
	KindGraphQLClient     Kind = "graphql-client"
)

// ActorInfo describes one simulated actor: what it is and how it shows up in
// captured traffic.
type ActorInfo struct {
	Name string `json:"name"`
	Kind Kind   `json:"kind"`
	// IP is the client address the actor sends as X-Forwarded-For; every
	// actor has its own, taken from the documentation ranges of RFC 5737.
	IP        string `json:"ip"`
	UserAgent string `json:"user_agent"`
	// Account is the demo account the actor logs in as, empty for actors
	// that never log in.
	Account string `json:"account,omitempty"`
}

// Cast lists the actors RunActors starts, in a fixed order.
func Cast() []ActorInfo {
	return []ActorInfo{
		{Name: "alice", Kind: KindCookieUser, IP: "203.0.113.10", Account: "alice",
			UserAgent: "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0"},
		{Name: "bob", Kind: KindCookieUser, IP: "203.0.113.11", Account: "bob",
			UserAgent: "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36"},
		{Name: "carol", Kind: KindCookieUser, IP: "203.0.113.12", Account: "carol",
			UserAgent: "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15"},
		{Name: "dave", Kind: KindJWTUser, IP: "198.51.100.20", Account: "dave",
			UserAgent: "ShopApp/4.2 (iPhone; iOS 18.1)"},
		{Name: "erin", Kind: KindJWTUser, IP: "198.51.100.21", Account: "erin",
			UserAgent: "okhttp/4.12.0"},
		{Name: "frank", Kind: KindJWTUser, IP: "198.51.100.22", Account: "frank",
			UserAgent: "ShopApp/4.2 (Android 15; Pixel 8)"},
		{Name: "scanner", Kind: KindAttacker, IP: "192.0.2.66",
			UserAgent: "sqlmap/1.8#stable (https://sqlmap.org)"},
		{Name: "stuffer", Kind: KindCredentialStuffer, IP: "198.51.100.77",
			UserAgent: "python-requests/2.32.3"},
		{Name: "scraper", Kind: KindScraper, IP: "203.0.113.200",
			UserAgent: "Scrapy/2.11 (+https://scrapy.org)"},
		{Name: "mallory", Kind: KindEnumerator, IP: "192.0.2.99", Account: "mallory",
			UserAgent: "PostmanRuntime/7.42.0"},
		{Name: "assistant", Kind: KindMCPAgent, IP: "198.51.100.30", UserAgent: "claude-code/1.0"},
		{Name: "storefront", Kind: KindGraphQLClient, IP: "203.0.113.30", UserAgent: "shop-web/2.3 apollo-client/3.11"},
	}
}
