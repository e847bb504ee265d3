package abuse

import "strings"

// UAClass is what a User-Agent header says about the client that sent it.
type UAClass uint8

// User-agent classes, from harmless to telling.
const (
	// UAOther is anything unrecognised: mobile apps (ShopApp/4.2), the
	// HTTP libraries apps are built on (okhttp, Dalvik, CFNetwork). It
	// votes for nothing, because most API traffic comes from such clients.
	UAOther UAClass = iota
	// UABrowser is a desktop or mobile browser.
	UABrowser
	// UAAutomation is an HTTP library or command-line tool used by scripts
	// (curl, python-requests, Go-http-client, PostmanRuntime), a feed
	// reader, or no User-Agent at all. It supports other evidence but is
	// never a verdict alone: people run curl too.
	UAAutomation
	// UAHeadless is a browser driven by a program (HeadlessChrome,
	// PhantomJS, Selenium). It counts as automation, and more strongly.
	UAHeadless
	// UAScraper is a scraping framework (Scrapy, Colly, HTTrack). Its only
	// purpose is harvesting pages, so it is a scraping verdict by itself.
	UAScraper
	// UACrawler is a declared crawler: search engines, archives, SEO and
	// link-preview bots. spoor calls what they do scraping (they copy the
	// content, with permission or not), never a security crawler, which
	// stays for the tools below.
	UACrawler
	// UAScanner is a security tool (sqlmap, nikto, nuclei): a
	// security_crawler verdict by itself.
	UAScanner
)

func (c UAClass) String() string {
	switch c {
	case UAOther:
		return "other"
	case UABrowser:
		return "browser"
	case UAAutomation:
		return "automation"
	case UAHeadless:
		return "headless"
	case UAScraper:
		return "scraper"
	case UACrawler:
		return "crawler"
	case UAScanner:
		return "scanner"
	}
	return "unknown"
}

// Automated reports whether the class is a program rather than a person at
// a browser or app.
func (c UAClass) Automated() bool { return c >= UAAutomation }

// UA is a classified User-Agent: its class and the product that decided
// it, in its canonical spelling ("sqlmap", "Googlebot").
type UA struct {
	Class   UAClass
	Product string
}

// SearchEngine reports whether the agent declares a search engine's
// crawler: the class spoor calls declared_crawler, not abuse. Archives, SEO
// tools, link previews and AI crawlers declare themselves too but copy
// content for their own ends, so they stay scraping.
func (u UA) SearchEngine() bool {
	if u.Class != UACrawler {
		return false
	}
	switch u.Product {
	case "Googlebot", "AdsBot-Google", "Mediapartners-Google", "Google Web Preview", "bingbot", "msnbot",
		"BingPreview", "Baiduspider", "YandexBot", "Yandex", "Yahoo! Slurp", "DuckDuckBot", "Sogou spider",
		"Exabot", "SeznamBot", "Applebot", "PetalBot", "360Spider":
		return true
	}
	return false
}

// uaToken maps a lower-case substring to the class and canonical name it
// reveals.
type uaToken struct {
	token   string
	class   UAClass
	product string
}

// uaTokens is searched in order, so more specific tools come first: a
// scanner that embeds "python-requests" is still a scanner. Tokens carry
// their delimiter ("curl/") where the bare word occurs in ordinary text.
// It is a function so that no caller can change the table.
func uaTokens() []uaToken {
	scanner := func(tok, name string) uaToken { return uaToken{tok, UAScanner, name} }
	headless := func(tok, name string) uaToken { return uaToken{tok, UAHeadless, name} }
	scraper := func(tok, name string) uaToken { return uaToken{tok, UAScraper, name} }
	crawler := func(tok, name string) uaToken { return uaToken{tok, UACrawler, name} }
	auto := func(tok, name string) uaToken { return uaToken{tok, UAAutomation, name} }
	other := func(tok, name string) uaToken { return uaToken{tok, UAOther, name} }
	return []uaToken{
		scanner("sqlmap", "sqlmap"), scanner("nikto", "Nikto"), scanner("nuclei", "Nuclei"),
		scanner("nmap", "Nmap"), scanner("masscan", "masscan"), scanner("zgrab", "ZGrab"),
		scanner("wpscan", "WPScan"), scanner("dirbuster", "DirBuster"), scanner("gobuster", "gobuster"),
		scanner("feroxbuster", "feroxbuster"), scanner("fuzz faster u fool", "ffuf"), scanner("ffuf", "ffuf"),
		scanner("wfuzz", "Wfuzz"), scanner("dirb/", "DIRB"), scanner("acunetix", "Acunetix"),
		scanner("netsparker", "Netsparker"), scanner("invicti", "Invicti"), scanner("nessus", "Nessus"),
		scanner("openvas", "OpenVAS"), scanner("qualys", "Qualys"), scanner("burp", "Burp Suite"),
		scanner("owasp zap", "OWASP ZAP"), scanner("zaproxy", "OWASP ZAP"), scanner("w3af", "w3af"),
		scanner("arachni", "Arachni"), scanner("whatweb", "WhatWeb"), scanner("skipfish", "skipfish"),
		scanner("commix", "commix"), scanner("xsstrike", "XSStrike"), scanner("jaeles", "Jaeles"),
		scanner("hydra", "THC Hydra"), scanner("zmeu", "ZmEu"), scanner("morfeus", "Morfeus"),
		scanner("censysinspect", "Censys"), scanner("expanse", "Expanse"), scanner("l9scan", "LeakIX"),

		headless("headlesschrome", "HeadlessChrome"), headless("phantomjs", "PhantomJS"),
		headless("puppeteer", "Puppeteer"), headless("playwright", "Playwright"),
		headless("selenium", "Selenium"), headless("webdriver", "WebDriver"), headless("slimerjs", "SlimerJS"),

		scraper("scrapy", "Scrapy"), scraper("colly", "Colly"), scraper("httrack", "HTTrack"),
		scraper("crawler4j", "crawler4j"), scraper("webcopier", "WebCopier"), scraper("webzip", "WebZIP"),
		scraper("teleport", "Teleport Pro"), scraper("sitesucker", "SiteSucker"), scraper("go-colly", "Colly"),

		crawler("googlebot", "Googlebot"), crawler("adsbot-google", "AdsBot-Google"),
		crawler("mediapartners-google", "Mediapartners-Google"), crawler("feedfetcher-google", "Feedfetcher-Google"),
		crawler("bingbot", "bingbot"), crawler("msnbot", "msnbot"), crawler("bingpreview", "BingPreview"), crawler("google web preview", "Google Web Preview"),
		crawler("baiduspider", "Baiduspider"), crawler("yandexbot", "YandexBot"), crawler("yandex.com/bots", "Yandex"), crawler("slurp", "Yahoo! Slurp"),
		crawler("duckduckbot", "DuckDuckBot"), crawler("sogou", "Sogou spider"), crawler("exabot", "Exabot"),
		crawler("seznambot", "SeznamBot"), crawler("applebot", "Applebot"), crawler("petalbot", "PetalBot"),
		crawler("bytespider", "Bytespider"), crawler("archive.org_bot", "archive.org_bot"),
		crawler("ia_archiver", "ia_archiver"), crawler("heritrix", "Heritrix"), crawler("nutch", "Apache Nutch"),
		crawler("360spider", "360Spider"), crawler("ahrefsbot", "AhrefsBot"), crawler("semrushbot", "SemrushBot"), crawler("mj12bot", "MJ12bot"),
		crawler("dotbot", "DotBot"), crawler("rogerbot", "rogerbot"), crawler("ezooms", "Ezooms"),
		crawler("blexbot", "BLEXBot"), crawler("facebookexternalhit", "facebookexternalhit"),
		crawler("twitterbot", "Twitterbot"), crawler("linkedinbot", "LinkedInBot"), crawler("slackbot", "Slackbot"),
		crawler("gptbot", "GPTBot"), crawler("ccbot", "CCBot"), crawler("claudebot", "ClaudeBot"),
		crawler("amazonbot", "Amazonbot"), crawler("perplexitybot", "PerplexityBot"),

		// okhttp is the HTTP library of most Android apps: named here so
		// that no later rule takes it for a script.
		other("okhttp", "okhttp"), other("dalvik", "Dalvik"), other("cfnetwork", "CFNetwork"),

		auto("curl/", "curl"), auto("libcurl", "libcurl"), auto("wget", "Wget"),
		auto("python-requests", "python-requests"), auto("python-urllib", "Python-urllib"),
		auto("python-httpx", "python-httpx"), auto("aiohttp", "aiohttp"), auto("pycurl", "PycURL"),
		auto("python/", "Python"), auto("go-http-client", "Go-http-client"), auto("libwww-perl", "libwww-perl"),
		auto("lwp::", "libwww-perl"), auto("postmanruntime", "PostmanRuntime"), auto("insomnia", "Insomnia"),
		auto("httpie", "HTTPie"), auto("axios/", "axios"), auto("node-fetch", "node-fetch"),
		auto("undici", "undici"), auto("java/", "Java"), auto("apache-httpclient", "Apache-HttpClient"),
		auto("jakarta commons-httpclient", "Commons-HttpClient"), auto("guzzlehttp", "Guzzle"),
		auto("ruby", "Ruby"), auto("php/", "PHP"), auto("powershell", "PowerShell"),
		auto("winhttp", "WinHTTP"), auto("restsharp", "RestSharp"), auto("reqwest", "reqwest"),
		auto("http.rb", "http.rb"), auto("faraday", "Faraday"), auto("urlgrabber", "urlgrabber"),
		auto("universalfeedparser", "UniversalFeedParser"), auto("feedburner", "FeedBurner"),
		auto("tiny tiny rss", "Tiny Tiny RSS"), auto("feedly", "Feedly"), auto("newsblur", "NewsBlur"),
		auto("inoreader", "Inoreader"), auto("chef client", "Chef Client"),
	}
}

// ClassifyUA classifies a User-Agent header. Matching is ASCII
// case-insensitive on substrings, in the order of uaTokens, then by the
// generic marks of a bot ("…bot/", "crawler", "spider"), then "Mozilla/"
// for browsers. An empty or "-" header is automation: browsers and app
// libraries always send one.
func ClassifyUA(ua string) UA { return newUAClassifier().classify(ua) }

// uaClassifier holds the token table, built once per Tracker.
type uaClassifier struct {
	tokens []uaToken
}

func newUAClassifier() uaClassifier { return uaClassifier{tokens: uaTokens()} }

// uaMemoSize bounds uaMemo. A busy API sees a few hundred distinct
// User-Agent headers among hundreds of thousands of sessions; when more
// than this come, the memo starts over rather than grow.
const uaMemoSize = 4096

// uaMemo remembers the class and note of recent User-Agent headers: a
// session classifies its header when it starts, and scanning the token
// table for every new session of the same client was a tenth of an
// access-log import's analysis.
type uaMemo struct {
	c    uaClassifier
	seen map[string]uaVerdict
}

type uaVerdict struct {
	info UA
	note string
}

func newUAMemo() uaMemo { return uaMemo{c: newUAClassifier(), seen: map[string]uaVerdict{}} }

// classify is uaClassifier.classify with uaNote, remembered.
func (m *uaMemo) classify(ua string) (UA, string) {
	if v, ok := m.seen[ua]; ok {
		return v.info, v.note
	}
	info := m.c.classify(ua)
	v := uaVerdict{info: info, note: uaNote(ua, info)}
	if len(m.seen) >= uaMemoSize {
		clear(m.seen)
	}
	m.seen[strings.Clone(ua)] = v
	return v.info, v.note
}

func (c uaClassifier) classify(ua string) UA {
	ua = strings.TrimSpace(ua)
	if ua == "" || ua == "-" {
		return UA{Class: UAAutomation, Product: "no User-Agent"}
	}
	lower := asciiLower(ua)
	for _, t := range c.tokens {
		if strings.Contains(lower, t.token) {
			return UA{Class: t.class, Product: t.product}
		}
	}
	if start, end, ok := genericBot(lower); ok {
		// asciiLower keeps byte offsets, so the name keeps its spelling;
		// a bare "bot" (from a URL such as /bot.html) names nothing.
		name := ua[start:end]
		if end-start <= len("bot") {
			name = "a self-declared bot"
		}
		return UA{Class: UACrawler, Product: name}
	}
	if strings.HasPrefix(lower, "mozilla/") || strings.HasPrefix(lower, "opera/") {
		return UA{Class: UABrowser, Product: "browser"}
	}
	return UA{Class: UAOther}
}

// genericBot recognises a self-declared bot the table does not list: a
// word ending in "crawler" or "spider" (YisouSpider, 360Spider), or in
// "bot" when the header also points to a home page or contact, as
// well-behaved bots do, or starts with it (LumiBot 2.0). The contact rule
// keeps a phone named "CUBOT" a browser. It returns where the word is.
func genericBot(lower string) (start, end int, ok bool) {
	contact := strings.Contains(lower, "http") || strings.Contains(lower, "@") || strings.Contains(lower, "compatible")
	for _, mark := range []string{"crawler", "spider", "bot"} {
		from := 0
		for {
			i := strings.Index(lower[from:], mark)
			if i < 0 {
				break
			}
			end := from + i + len(mark)
			from = end
			if end < len(lower) && !isUADelim(lower[end]) && lower[end] != '.' {
				continue // a word that goes on: "botany", "spiderman"
			}
			start := from - len(mark)
			for start > 0 && !isUADelim(lower[start-1]) {
				start--
			}
			if mark == "bot" && !contact && start != 0 {
				continue
			}
			return start, end, true
		}
	}
	return 0, 0, false
}

func isUADelim(c byte) bool {
	switch c {
	case '/', ';', ')', '(', ' ', '+', ',', '-', '_', ':':
		return true
	}
	return false
}

// asciiLower lowers ASCII letters only, so that matching never depends on
// Unicode case tables (the Kelvin sign lowers to "k") and allocates only
// when there is something to lower.
func asciiLower(s string) string {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= 'A' && c <= 'Z' {
			b := []byte(s)
			for j := i; j < len(b); j++ {
				if c := b[j]; c >= 'A' && c <= 'Z' {
					b[j] = c + 'a' - 'A'
				}
			}
			return string(b)
		}
	}
	return s
}
