package detect

import "github.com/spoorhq/spoor/engine"

// Check describes one detector: the rule name its tags carry, the attack
// type it reports, its tier, and what it looks for.
type Check struct {
	Rule string
	Type string
	Tier int
	What string
}

// Checks lists every tier-1 rule and every Core Rule Set file with the
// attack type spoor files its findings under, in the order `spoor
// detectors` prints them. A CRS rule's tags are named
// "crs-<id>"; the Rule of a CRS entry is the file's id range.
func Checks() []Check {
	return []Check{
		{"libinjection-sqli", engine.AttackSQLi, 1, "libinjection SQLi on every decoded value; fingerprints of words and logic alone need SQL syntax"},
		{"spoor-sqli-fragment", engine.AttackSQLi, 1, "a fragment continuing the application's operand (\" OR 1=1--\", \"ORDER BY SLEEP(5)\"), checked after a number"},
		{"spoor-sqli-comment", engine.AttackSQLi, 1, "a value that closes a string and comments out the rest of the query (\"admin' #\")"},
		{"libinjection-xss", engine.AttackXSS, 1, "libinjection XSS in five HTML parse states"},
		{"spoor-xss-handler", engine.AttackXSS, 1, "an on<word>= attribute inside a tag, whatever the handler's name"},
		{"spoor-xss", engine.AttackXSS, 1, "script URLs, DOM sinks and the calls payloads make: javascript:, document.write, alert(...)"},
		{"spoor-traversal", engine.AttackPathTraversal, 1, "../ climbing three levels, with \\, ....// or ;/, or to a non-asset; not a one- or two-level link to a page or asset"},
		{"spoor-lfi", engine.AttackLFI, 1, "sensitive files and streams (/etc/passwd, win.ini, C:\\Windows\\, php://filter), unless named in a sentence"},
		{"spoor-restricted-file", engine.AttackLFI, 1, "files the Core Rule Set's restricted-file lists name (.git, .env, backups)"},
		{"spoor-cmdi", engine.AttackCmdInjection, 1, "a known command after ; | & ` $( or a line break, cmd.exe FOR loops, shell binaries, ${IFS}; quotes and globs read as the shell reads them"},
		{"spoor-cmdi-leading", engine.AttackCmdInjection, 1, "a value that is a command line: wget/curl with a URL, a command with a system, drive or %VAR% path, sh -c"},
		{"spoor-code-exec", engine.AttackCmdInjection, 1, "a call of a function that runs a command: system(, exec(, passthru(, popen(, shell_exec("},
		{"spoor-code-eval", engine.AttackCodeInjection, 1, "a call of a function that evaluates code: eval(, assert(, __import__("},
		{"spoor-ssrf", engine.AttackSSRF, 1, "URLs to loopback, private, link-local or metadata addresses, and dangerous schemes"},
		{"spoor-rfi", engine.AttackRFI, 1, "a remote URL ending in '?', which turns an appended suffix into a query"},
		{"spoor-redirect", engine.AttackOpenRedirect, 1, "a redirect parameter sending the user to another site or to a script URL"},
		{"spoor-nosqli", engine.AttackNoSQLi, 1, "MongoDB operators in parameter names, JSON keys and values"},
		{"spoor-ssti", engine.AttackSSTI, 1, "template expressions that compute or reach template internals"},
		{"spoor-crlf", engine.AttackCRLF, 1, "a line break followed by a header line or a response"},
		{"spoor-xxe", engine.AttackXXE, 1, "XML external entities and XInclude"},
		{"spoor-session-fixation", engine.AttackSessionFixation, 1, "a cookie set from HTML or script, or a session id passed as a parameter"},
		{"spoor-scanner", engine.AttackScanner, 1, "scanner user agents and headers"},
		{"spoor-jndi", engine.AttackGeneric, 1, "Log4j lookups (${jndi:, nested lookups)"},
		{"spoor-prototype", engine.AttackGeneric, 1, "__proto__ and constructor.prototype JSON keys"},
		{"spoor-smuggling", engine.AttackProtocol, 1, "set by the proxy, which refuses the request with a 400: Content-Length with Transfer-Encoding, either repeated, Transfer-Encoding other than \"chunked\" or written any other way"},
		{"crs-911xxx-922xxx", engine.AttackProtocol, 2, "protocol enforcement and attacks"},
		{"crs-913xxx", engine.AttackScanner, 2, "scanner detection"},
		{"crs-930xxx", engine.AttackLFI, 2, "local file inclusion (930100, 930110: path_traversal); links and file names in a sentence dropped"},
		{"crs-931xxx", engine.AttackRFI, 2, "remote file inclusion"},
		{"crs-932xxx", engine.AttackCmdInjection, 2, "remote command execution; a command word followed by prose, or quoted as Markdown code, dropped"},
		{"crs-933xxx", engine.AttackCodeInjection, 2, "PHP injection"},
		{"crs-934xxx", engine.AttackGeneric, 2, "generic attacks (Node.js, Ruby, Perl); ssrf and ssti by the rule's tags"},
		{"crs-941xxx", engine.AttackXSS, 2, "cross-site scripting; 941100 on a lone processing instruction dropped"},
		{"crs-942xxx", engine.AttackSQLi, 2, "SQL injection (942290: nosqli); 942100 on a weak fingerprint without SQL syntax dropped"},
		{"crs-943xxx", engine.AttackSessionFixation, 2, "session fixation"},
		{"crs-944xxx", engine.AttackCodeInjection, 2, "Java injection"},
	}
}
