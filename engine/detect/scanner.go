package detect

import (
	"net/textproto"

	"github.com/spoorhq/spoor/engine"
)

// scannerAgents lists the tokens security scanners and attack tools put in
// their User-Agent by default. They are matched as substrings ignoring
// case, so each is a product name unlikely in a browser's agent.
func scannerAgents() []string {
	return []string{
		"sqlmap", "nikto", "nmap", "masscan", "nuclei", "wpscan", "dirbuster",
		"gobuster", "ffuf", "fuzz faster u fool", "zgrab", "acunetix",
		"netsparker", "invicti", "w3af", "arachni", "skipfish", "wfuzz",
		"havij", "openvas", "nessus", "qualys", "burpcollaborator",
		"burp suite", "owasp zap", "zaproxy", "jaeles", "whatweb",
		"feroxbuster", "dirsearch", "commix", "xsstrike", "appscan", "webinspect", "paros", "vega/",
		"wapiti", "ironwasp", "jbrofuzz", "grendel-scan", "bbqsql", "fimap",
		"morfeus", "zmeu", "detectify", "l9explore", "l9tcpid", "sysscan",
		"nettacker", "webshag", "libwhisker", "bewica-security-scan",
		"tsunamisecurityscanner", "interactsh", "censysinspect",
		"projectdiscovery", "dotdotpwn", "pangolin", "sqlninja", "absinthe",
		"mozlila", "(hydra)", "jorgee", "struts-pwn", "masscan-ng", "gospider",
		"katana", "hakrawler",
	}
}

// scannerHeaders lists request headers that only scanners send.
func scannerHeaders() []string {
	return []string{
		"acunetix-aspect", "acunetix-aspect-password", "acunetix-aspect-queries",
		"acunetix-product", "x-scanner", "x-wipp", "x-scan-memo",
		"x-request-memo", "x-request-manager-memo", "bugbounty",
	}
}

// scanner tags a User-Agent naming a security scanner or attack tool.
func (s *scan) scanner(p *point, ua string) {
	if w, at := s.d.scanners.find(ua); w >= 0 {
		s.tag(engine.AttackScanner, p, "spoor-scanner", ua, at, len(s.d.scanners.words[w]),
			"user agent of a security scanner or attack tool: "+s.d.scanners.words[w])
	}
}

// scannerHeader tags a header that only scanners send.
func (s *scan) scannerHeader(p *point, name, value string) {
	s.tag(engine.AttackScanner, p, "spoor-scanner", value, 0, len(value),
		"header sent by security scanners: "+textproto.CanonicalMIMEHeaderKey(name))
}
