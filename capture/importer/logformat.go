package importer

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/spoorhq/spoor/engine"
)

// LogFormat parses lines written by an nginx log_format, such as
//
//	$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent" $request_time
//
// Each variable's value runs up to the literal text that follows it in the
// format; a variable between double quotes runs to the next unescaped quote,
// so a user agent may contain the text that follows it. Variables spoor has
// no use for are read and dropped.
type LogFormat struct {
	lead   string // literal text before the first variable
	fields []lfField
}

// lfField is one variable and the literal text after it.
type lfField struct {
	v      lfVar
	arg    string // header or cookie name for the $http_, $sent_http_ and $cookie_ families
	after  string
	quoted bool
}

// lfVar is what a variable fills.
type lfVar uint8

const (
	varIgnore lfVar = iota
	varRemoteAddr
	varTimeLocal
	varTimeISO
	varMsec
	varRequest
	varMethod
	varRequestURI
	varURI
	varArgs
	varStatus
	varBodyBytes
	varBytesSent
	varContentLength
	varRequestTime
	varUpstreamTime
	varHost
	varServerName
	varScheme
	varReqHeader
	varRespHeader
	varCookie
)

// lookupVar maps an nginx variable name to what it fills.
func lookupVar(name string) (lfVar, string) {
	switch name {
	case "remote_addr", "realip_remote_addr":
		return varRemoteAddr, ""
	case "time_local":
		return varTimeLocal, ""
	case "time_iso8601":
		return varTimeISO, ""
	case "msec":
		return varMsec, ""
	case "request":
		return varRequest, ""
	case "request_method":
		return varMethod, ""
	case "request_uri":
		return varRequestURI, ""
	case "uri", "document_uri":
		return varURI, ""
	case "args", "query_string":
		return varArgs, ""
	case "status":
		return varStatus, ""
	case "body_bytes_sent":
		return varBodyBytes, ""
	case "bytes_sent":
		return varBytesSent, ""
	case "content_length":
		return varContentLength, ""
	case "request_time":
		return varRequestTime, ""
	case "upstream_response_time":
		return varUpstreamTime, ""
	case "host":
		return varHost, ""
	case "server_name":
		return varServerName, ""
	case "scheme":
		return varScheme, ""
	}
	if h, ok := strings.CutPrefix(name, "http_"); ok && h != "" {
		return varReqHeader, headerName(h)
	}
	if h, ok := strings.CutPrefix(name, "sent_http_"); ok && h != "" {
		return varRespHeader, headerName(h)
	}
	if c, ok := strings.CutPrefix(name, "cookie_"); ok && c != "" {
		return varCookie, c
	}
	return varIgnore, ""
}

// headerName turns nginx's user_agent back into User-Agent.
func headerName(v string) string {
	parts := strings.Split(v, "_")
	for i, p := range parts {
		if p != "" {
			parts[i] = strings.ToUpper(p[:1]) + strings.ToLower(p[1:])
		}
	}
	return strings.Join(parts, "-")
}

// ParseLogFormat compiles an nginx log_format string. It fails when two
// variables touch (nothing tells where one ends) or when lines could not
// give an exchange a time and a request.
func ParseLogFormat(format string) (*LogFormat, error) {
	f := &LogFormat{}
	var lit strings.Builder
	var have [varCookie + 1]bool
	for i := 0; i < len(format); {
		name, n := varName(format[i:])
		if n == 0 {
			lit.WriteByte(format[i])
			i++
			continue
		}
		if len(f.fields) > 0 && lit.Len() == 0 {
			return nil, fmt.Errorf("log format: $%s directly follows another variable at offset %d: nothing tells where one ends", name, i)
		}
		if len(f.fields) == 0 {
			f.lead = lit.String()
		} else {
			f.fields[len(f.fields)-1].after = lit.String()
		}
		lit.Reset()
		v, arg := lookupVar(name)
		have[v] = true
		f.fields = append(f.fields, lfField{v: v, arg: arg})
		i += n
	}
	if len(f.fields) == 0 {
		return nil, errors.New("log format has no variables")
	}
	f.fields[len(f.fields)-1].after = lit.String()
	prev := f.lead
	for i := range f.fields {
		fl := &f.fields[i]
		fl.quoted = strings.HasSuffix(prev, `"`) && strings.HasPrefix(fl.after, `"`)
		prev = fl.after
	}
	switch {
	case !have[varTimeLocal] && !have[varTimeISO] && !have[varMsec]:
		return nil, errors.New("log format has no time ($time_local, $time_iso8601 or $msec): lines could not be put in order")
	case !have[varRequest] && !(have[varRequestURI] || have[varURI]):
		return nil, errors.New("log format has no request ($request, or $request_uri or $uri)")
	}
	return f, nil
}

// varName reads "$name" or "${name}" at the start of s and returns the name
// and the bytes it spans, or 0 when s does not start with a variable.
func varName(s string) (string, int) {
	if len(s) < 2 || s[0] != '$' {
		return "", 0
	}
	if s[1] == '{' {
		end := strings.IndexByte(s, '}')
		if end < 3 || !isVarName(s[2:end]) {
			return "", 0
		}
		return s[2:end], end + 1
	}
	n := 1
	for n < len(s) && isVarByte(s[n]) {
		n++
	}
	if n == 1 {
		return "", 0
	}
	return s[1:n], n
}

func isVarByte(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '_'
}

func isVarName(s string) bool {
	for i := range len(s) {
		if !isVarByte(s[i]) {
			return false
		}
	}
	return s != ""
}

// lfValues collects a line's variables before they are combined: several
// variables may describe one thing ($request and $request_uri, $host and
// $http_host), and the most precise wins whatever their order.
type lfValues struct {
	x                          *engine.Exchange
	haveTime                   bool
	request, method, uri, args string
	uriPath                    string
	host, serverName           string
	bodyBytes, bytesSent       string
	requestTime, upstreamTime  string
	cookies                    []string
}

// ParseLine parses one line.
func (f *LogFormat) ParseLine(line []byte) (*engine.Exchange, error) {
	if !bytes.HasPrefix(line, []byte(f.lead)) {
		return nil, fmt.Errorf("line does not start with %q", f.lead)
	}
	rest := line[len(f.lead):]
	vals := lfValues{x: &engine.Exchange{}}
	var unescaped []byte // reused: set copies what it keeps
	for i := range f.fields {
		fl := &f.fields[i]
		var end int
		switch {
		case fl.after == "":
			end = len(rest)
		case fl.quoted:
			if end = closingQuote(rest, 0); end < 0 || !bytes.HasPrefix(rest[end:], []byte(fl.after)) {
				return nil, fmt.Errorf("field %d: no closing %q", i+1, fl.after)
			}
		default:
			if end = bytes.Index(rest, []byte(fl.after)); end < 0 {
				return nil, fmt.Errorf("field %d: no %q after it", i+1, fl.after)
			}
		}
		value := rest[:end]
		if fl.quoted {
			unescaped = appendUnescaped(unescaped[:0], value)
			value = unescaped
		}
		if err := vals.set(fl, value); err != nil {
			return nil, err
		}
		rest = rest[end+len(fl.after):]
	}
	return vals.exchange()
}

func (v *lfValues) set(fl *lfField, b []byte) error {
	if len(b) == 0 || string(b) == "-" {
		return nil
	}
	s := string(b)
	x := v.x
	var err error
	switch fl.v {
	case varRemoteAddr:
		x.ClientIP = s
	case varTimeLocal:
		x.Start, err = parseCLFTime(b)
		v.haveTime = err == nil
	case varTimeISO:
		if x.Start, err = time.Parse(time.RFC3339, s); err != nil {
			return fmt.Errorf("malformed time %s: want 2006-01-02T15:04:05+00:00", quoteShort(b))
		}
		x.Start, v.haveTime = x.Start.UTC(), validTime(x.Start)
	case varMsec:
		f, err := strconv.ParseFloat(s, 64)
		if err != nil || !(f >= 0 && f < 253402300800) { // before the year 10000
			return fmt.Errorf("malformed $msec %s: want seconds since 1970 such as 1700000000.123", quoteShort(b))
		}
		sec := math.Floor(f)
		x.Start, v.haveTime = time.Unix(int64(sec), int64(math.Round((f-sec)*1e3))*1e6).UTC(), true
	case varRequest:
		v.request = s
	case varMethod:
		v.method = s
	case varRequestURI:
		v.uri = s
	case varURI:
		v.uriPath = s
	case varArgs:
		v.args = s
	case varStatus:
		x.Status, err = parseStatus(b)
	case varBodyBytes:
		v.bodyBytes = s
	case varBytesSent:
		v.bytesSent = s
	case varContentLength:
		x.ReqBody.Size, err = parseBytes(b)
	case varRequestTime:
		v.requestTime = s
	case varUpstreamTime:
		v.upstreamTime = s
	case varHost:
		v.host = s
	case varServerName:
		v.serverName = s
	case varScheme:
		x.Scheme = s
	case varReqHeader:
		x.ReqHeaders = append(x.ReqHeaders, engine.Header{Name: fl.arg, Value: s})
	case varRespHeader:
		x.RespHeaders = append(x.RespHeaders, engine.Header{Name: fl.arg, Value: s})
	case varCookie:
		v.cookies = append(v.cookies, fl.arg+"="+s)
	}
	return err
}

// exchange combines the collected values.
func (v *lfValues) exchange() (*engine.Exchange, error) {
	x := v.x
	if !v.haveTime {
		return nil, errors.New("no time")
	}
	switch {
	case v.request != "":
		if err := setRequestLine(x, v.request); err != nil {
			return nil, err
		}
	case v.uri != "" || v.uriPath != "":
		if !isToken(v.method) {
			return nil, fmt.Errorf("malformed method %s", quoteShort([]byte(v.method)))
		}
		x.Method = v.method
		if v.uri != "" {
			setTarget(x, v.uri)
		} else {
			x.Path, x.Query = v.uriPath, v.args
		}
	default:
		return nil, errors.New("no request")
	}
	if x.Host == "" {
		x.Host = v.host
	}
	if x.Host == "" {
		x.Host = x.ReqHeader("Host")
	}
	if x.Host == "" {
		x.Host = v.serverName
	}
	if len(v.cookies) > 0 {
		x.ReqHeaders = append(x.ReqHeaders, engine.Header{Name: "Cookie", Value: strings.Join(v.cookies, "; ")})
	}
	var err error
	size := v.bodyBytes
	if size == "" {
		size = v.bytesSent
	}
	if x.RespBody.Size, err = parseBytes([]byte(size)); err != nil {
		return nil, err
	}
	if d := v.requestTime; d != "" {
		x.Duration, err = parseSeconds(d)
	} else if d := v.upstreamTime; d != "" {
		x.Duration, err = upstreamSeconds(d)
	}
	return x, err
}

// upstreamSeconds sums $upstream_response_time, which lists one time per
// upstream tried ("0.004, 0.120" or "0.004 : 0.120").
func upstreamSeconds(s string) (time.Duration, error) {
	var total time.Duration
	for part := range strings.FieldsFuncSeq(s, func(r rune) bool { return r == ',' || r == ':' || r == ' ' }) {
		if part == "-" {
			continue
		}
		d, err := parseSeconds(part)
		if err != nil {
			return 0, err
		}
		total += d
	}
	return total, nil
}
