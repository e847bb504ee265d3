package detect

import "github.com/spoorhq/spoor/engine"

// shellCalls lists the functions of PHP, Python, Perl, Ruby, Node.js and
// Java that hand their argument to a shell or start a program: calling
// one from a value is command injection.
func shellCalls() []string {
	return []string{
		"system", "exec", "passthru", "shell_exec", "popen", "proc_open",
		"pcntl_exec", "spawn", "execsync", "spawnsync", "getoutput",
		"check_output", "check_call", "execv", "execve", "execl",
		"execlp", "execvp", "readpipe", "processbuilder",
	}
}

// evalCalls lists the functions that evaluate code: calling one from a
// value is code injection.
func evalCalls() []string {
	return []string{
		"eval", "assert", "create_function", "call_user_func",
		"call_user_func_array", "__import__", "instance_eval",
		"class_eval", "module_eval",
	}
}

// codeCallAt returns where v calls one of shellCalls or evalCalls, or
// -1, and whether the function runs a shell. A call is the name as a word
// of its own, '(' and an argument that starts with a quote, '$', '`' or
// '[', or with a word when '(' follows a name that is not a method of
// another object: "system('id')", "eval (\"...\")" and "eval(atob(x))"
// are calls, "the system (as designed)" and "regex.exec(text)" are not.
func (s *scan) codeCallAt(v string) (at, n int, shell bool) {
	for i := 0; i < len(v); i++ {
		if v[i] != '(' || i == 0 {
			continue
		}
		e := i
		for e > 0 && isShellSpace(v[e-1]) {
			e--
		}
		b := e
		for b > 0 && (isVarStart(v[b-1]) || '0' <= v[b-1] && v[b-1] <= '9') {
			b--
		}
		if b == e || e-b > maxWord {
			continue
		}
		shell = inSet(s.d.shellCalls, v[b:e]) || subprocessCall(v[:b], v[b:e])
		if !shell && !inSet(s.d.evalCalls, v[b:e]) {
			continue
		}
		k := i + 1
		for k < len(v) && isShellSpace(v[k]) {
			k++
		}
		if k == len(v) {
			continue
		}
		method := b > 0 && v[b-1] == '.'
		switch c := v[k]; {
		case method && !shell:
			// "df.eval('a + b')", "expr.eval(x)": evaluating is what
			// many objects' methods are called; the functions a
			// payload calls stand alone.
			continue
		case c == '\'' || c == '"' || c == '$' || c == '`' || c == '[':
		case isVarStart(c) && e == i && !method && !afterWord(v[:b]):
			// "eval(atob(...))", "system(id)", ";assert(x)": a bare
			// argument counts when the name stands alone, follows the
			// start or punctuation, and the parenthesis follows it
			// directly; "regex.exec(text)" is a method of another
			// object and "use assert(x) in tests" is prose.
		default:
			continue
		}
		return b, i + 1 - b, shell
	}
	return -1, 0, false
}

// codeExec tags calls of functions that run commands or code, and
// reports whether it found one.
func (s *scan) codeExec(p *point, v string, m class) bool {
	if m&classShell == 0 {
		return false
	}
	at, n, shell := s.codeCallAt(v)
	if at < 0 {
		return false
	}
	if shell {
		s.tag(engine.AttackCmdInjection, p, "spoor-code-exec", v, at, n,
			"call of a function that runs a command: "+v[at:at+n])
		return true
	}
	s.tag(engine.AttackCodeInjection, p, "spoor-code-eval", v, at, n,
		"call of a function that evaluates code: "+v[at:at+n])
	return true
}

// subprocessCall reports whether name, after the text before it, is a
// function of Python's subprocess module ("subprocess.call(", "run(").
func subprocessCall(before, name string) bool {
	if len(before) < len("subprocess.") || !hasPrefixFold(before[len(before)-len("subprocess."):], "subprocess.") {
		return false
	}
	switch lowerASCII(name) {
	case "call", "run", "popen", "check_output", "check_call", "getoutput":
		return true
	}
	return false
}

// afterWord reports whether before ends with a word and spaces: the name
// that follows is then a word of a sentence, not a statement of code.
func afterWord(before string) bool {
	e := len(before)
	for e > 0 && isShellSpace(before[e-1]) {
		e--
	}
	if e == len(before) || e == 0 {
		return false
	}
	c := before[e-1]
	return isVarStart(c) || '0' <= c && c <= '9'
}
