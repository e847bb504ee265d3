package detect

import "github.com/spoorhq/spoor/engine"

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
	}
}

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
		if j == word || j-word > 16 || !s.isCommand(v[word:j]) {
			continue
		}
		if commandEnds(v, j, strict) || s.isNetworkCommand(v[word:j]) && hasArgument(v, j) {
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
		"nslookup", "dig", "ssh", "scp", "ftp", "tftp",
	}
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
	if j == len(v) {
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
// Shellshock are literal markers (markers.go).
func (s *scan) cmdInjection(p *point, v string, m class) {
	if m&classShell == 0 {
		return
	}
	if at, n := s.cmdInjectionAt(v, p.kind == pointHeader); at >= 0 {
		s.tag(engine.AttackCmdInjection, p, "spoor-cmdi", v, at, n,
			"shell command after a separator or substitution")
	}
}
