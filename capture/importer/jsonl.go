package importer

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/spoorhq/spoor/engine"
)

// jsonTarget is an exchange field a JSON line can fill.
type jsonTarget uint8

const (
	jsonTime jsonTarget = iota
	jsonIP
	jsonMethod
	jsonURL
	jsonPath
	jsonQuery
	jsonHost
	jsonScheme
	jsonStatus
	jsonUA
	jsonReferer
	jsonBytes
	jsonReqBytes
	jsonDuration
	jsonTargets // the number of targets; not a target
)

// jsonTargetNames are the names --map uses, in target order.
func jsonTargetNames() []string {
	return []string{"time", "ip", "method", "url", "path", "query", "host", "scheme", "status", "ua", "referer", "bytes", "req_bytes", "duration"}
}

// jsonField is where a value is read: a dotted path into the object
// (request.headers.0), and for durations the unit of a bare number.
type jsonField struct {
	path []string
	unit time.Duration
}

type jsonHeader struct {
	name  string
	field jsonField
}

// Mapping says which JSON fields of a line fill which exchange fields.
// Each target has candidates tried in order; the first present wins.
type Mapping struct {
	targets     [jsonTargets][]jsonField
	reqHeaders  []jsonHeader
	respHeaders []jsonHeader
}

// DefaultMapping reads the field names common loggers use (time or ts or
// @timestamp, ip or client_ip or remote_addr, ...). A bare number of
// request_time is seconds, as nginx writes it; other durations are
// milliseconds unless they carry a unit ("12ms").
func DefaultMapping() *Mapping {
	m := &Mapping{}
	add := func(t jsonTarget, unit time.Duration, names ...string) {
		for _, n := range names {
			m.targets[t] = append(m.targets[t], jsonField{path: []string{n}, unit: unit})
		}
	}
	add(jsonTime, 0, "time", "timestamp", "ts", "@timestamp", "date", "start", "start_time")
	add(jsonIP, 0, "ip", "client_ip", "remote_addr", "remote_ip", "clientip", "client", "src_ip")
	add(jsonMethod, 0, "method", "request_method", "http_method", "verb")
	add(jsonURL, 0, "url")
	add(jsonPath, 0, "path", "uri", "request_uri", "url_path")
	add(jsonQuery, 0, "query", "query_string", "args")
	add(jsonHost, 0, "host", "http_host", "server_name")
	add(jsonScheme, 0, "scheme")
	add(jsonStatus, 0, "status", "status_code", "code", "response_code")
	add(jsonUA, 0, "ua", "user_agent", "http_user_agent", "agent")
	add(jsonReferer, 0, "referer", "referrer", "http_referer")
	add(jsonBytes, 0, "bytes", "body_bytes_sent", "resp_bytes", "response_size", "size", "bytes_sent")
	add(jsonReqBytes, 0, "req_bytes", "request_size", "content_length")
	add(jsonDuration, time.Millisecond, "duration", "duration_ms", "latency", "latency_ms", "elapsed", "response_time")
	add(jsonDuration, time.Second, "request_time")
	return m
}

// ParseMapping reads a --map value, "time=ts,ip=client,status=code,...",
// over DefaultMapping: a mapped target reads only the given field, the
// others keep their default names. A value is a dotted path into the
// object; a duration may name the unit of a bare number
// (duration=rt:s; ns, us, ms, s). header.NAME=FIELD and
// resp_header.NAME=FIELD fill a request or response header, so that a
// grouping key such as req.header.X-Api-Key works on imported lines.
func ParseMapping(spec string) (*Mapping, error) {
	m := DefaultMapping()
	for item := range strings.SplitSeq(spec, ",") {
		item = strings.TrimSpace(item)
		if item == "" {
			continue
		}
		name, value, ok := strings.Cut(item, "=")
		if !ok || value == "" {
			return nil, fmt.Errorf("map %q: want NAME=FIELD", item)
		}
		field, err := parseJSONField(value)
		if err != nil {
			return nil, fmt.Errorf("map %q: %w", item, err)
		}
		if h, ok := strings.CutPrefix(name, "header."); ok && h != "" {
			m.reqHeaders = append(m.reqHeaders, jsonHeader{name: h, field: field})
			continue
		}
		if h, ok := strings.CutPrefix(name, "resp_header."); ok && h != "" {
			m.respHeaders = append(m.respHeaders, jsonHeader{name: h, field: field})
			continue
		}
		t := -1
		for i, n := range jsonTargetNames() {
			if n == name {
				t = i
			}
		}
		if t < 0 {
			return nil, fmt.Errorf("map %q: unknown name %q (want %s, header.NAME or resp_header.NAME)", item, name, strings.Join(jsonTargetNames(), ", "))
		}
		if field.unit != 0 && jsonTarget(t) != jsonDuration {
			return nil, fmt.Errorf("map %q: only duration takes a unit", item)
		}
		if field.unit == 0 && jsonTarget(t) == jsonDuration {
			field.unit = time.Millisecond
		}
		m.targets[t] = []jsonField{field}
	}
	return m, nil
}

func parseJSONField(s string) (jsonField, error) {
	path, unit, hasUnit := strings.Cut(s, ":")
	f := jsonField{path: strings.Split(path, ".")}
	for _, p := range f.path {
		if p == "" {
			return f, fmt.Errorf("empty part in field path %q", path)
		}
	}
	if hasUnit {
		switch unit {
		case "ns":
			f.unit = time.Nanosecond
		case "us", "µs":
			f.unit = time.Microsecond
		case "ms":
			f.unit = time.Millisecond
		case "s":
			f.unit = time.Second
		default:
			return f, fmt.Errorf("unknown unit %q (want ns, us, ms or s)", unit)
		}
	}
	return f, nil
}

// ParseLine parses one JSON object into an exchange. It needs a time and
// a path or URL; everything else is optional.
func (m *Mapping) ParseLine(line []byte) (*engine.Exchange, error) {
	dec := json.NewDecoder(bytes.NewReader(line))
	dec.UseNumber()
	var obj map[string]any
	if err := dec.Decode(&obj); err != nil {
		return nil, fmt.Errorf("not a JSON object: %w", err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, errors.New("trailing data after the JSON object")
	}
	if obj == nil {
		return nil, errors.New("not a JSON object: null")
	}
	get := func(t jsonTarget) (any, jsonField, bool) {
		for _, f := range m.targets[t] {
			if v, ok := lookupJSON(obj, f.path); ok && v != nil {
				return v, f, true
			}
		}
		return nil, jsonField{}, false
	}
	x := &engine.Exchange{}
	v, _, ok := get(jsonTime)
	if !ok {
		return nil, errors.New("no time field (name it with --map time=FIELD)")
	}
	start, err := parseJSONTime(v)
	if err != nil {
		return nil, err
	}
	x.Start = start
	if v, _, ok := get(jsonURL); ok {
		setTarget(x, jsonString(v))
	}
	if v, _, ok := get(jsonPath); ok && x.Path == "" {
		setTarget(x, jsonString(v))
	}
	if x.Path == "" {
		return nil, errors.New("no path or url field (name one with --map path=FIELD)")
	}
	if v, _, ok := get(jsonQuery); ok {
		x.Query = strings.TrimPrefix(jsonString(v), "?")
	}
	strField := func(t jsonTarget, dst *string) {
		if v, _, ok := get(t); ok && *dst == "" {
			*dst = jsonString(v)
		}
	}
	strField(jsonIP, &x.ClientIP)
	strField(jsonMethod, &x.Method)
	strField(jsonHost, &x.Host)
	strField(jsonScheme, &x.Scheme)
	if v, _, ok := get(jsonStatus); ok {
		n, err := jsonInt(v)
		if err != nil || n < 0 || n > 999 {
			return nil, fmt.Errorf("malformed status %s", quoteShort([]byte(jsonString(v))))
		}
		x.Status = int(n)
	}
	for _, sz := range []struct {
		t   jsonTarget
		dst *int64
	}{{jsonBytes, &x.RespBody.Size}, {jsonReqBytes, &x.ReqBody.Size}} {
		if v, _, ok := get(sz.t); ok {
			n, err := jsonInt(v)
			if err != nil || n < 0 {
				return nil, fmt.Errorf("malformed byte count %s", quoteShort([]byte(jsonString(v))))
			}
			*sz.dst = n
		}
	}
	if v, f, ok := get(jsonDuration); ok {
		if x.Duration, err = parseJSONDuration(v, f.unit); err != nil {
			return nil, err
		}
	}
	if v, _, ok := get(jsonReferer); ok {
		x.ReqHeaders = addHeader(x.ReqHeaders, "Referer", jsonString(v))
	}
	if v, _, ok := get(jsonUA); ok {
		x.ReqHeaders = addHeader(x.ReqHeaders, "User-Agent", jsonString(v))
	}
	for _, h := range m.reqHeaders {
		if v, ok := lookupJSON(obj, h.field.path); ok && v != nil {
			x.ReqHeaders = addHeader(x.ReqHeaders, h.name, jsonString(v))
		}
	}
	for _, h := range m.respHeaders {
		if v, ok := lookupJSON(obj, h.field.path); ok && v != nil {
			x.RespHeaders = addHeader(x.RespHeaders, h.name, jsonString(v))
		}
	}
	return x, nil
}

// lookupJSON walks a dotted path through objects and arrays.
func lookupJSON(v any, path []string) (any, bool) {
	for _, p := range path {
		switch node := v.(type) {
		case map[string]any:
			var ok bool
			if v, ok = node[p]; !ok {
				return nil, false
			}
		case []any:
			i, err := strconv.Atoi(p)
			if err != nil || i < 0 || i >= len(node) {
				return nil, false
			}
			v = node[i]
		default:
			return nil, false
		}
	}
	return v, true
}

// jsonString renders a scalar as text; objects and arrays as their JSON.
func jsonString(v any) string {
	switch s := v.(type) {
	case string:
		return s
	case json.Number:
		return s.String()
	case bool:
		return strconv.FormatBool(s)
	case nil:
		return ""
	}
	b, _ := json.Marshal(v)
	return string(b)
}

func jsonInt(v any) (int64, error) {
	s := jsonString(v)
	if n, err := strconv.ParseInt(s, 10, 64); err == nil {
		return n, nil
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(f) || math.Abs(f) > 1<<62 {
		return 0, fmt.Errorf("not a number: %q", s)
	}
	return int64(f), nil
}

// parseJSONTime reads a time: RFC 3339, the common log time, a date and time
// without a zone (read as UTC), or a Unix epoch in seconds, milliseconds,
// microseconds or nanoseconds, told apart by magnitude (a seconds epoch
// stays below 1e11 until the year 5138).
func parseJSONTime(v any) (time.Time, error) {
	s := jsonString(v)
	if _, isNum := v.(json.Number); isNum || isNumeric(s) {
		f, err := strconv.ParseFloat(s, 64)
		if err == nil && f >= 0 {
			var t time.Time
			switch {
			case f >= 1e17:
				t = time.Unix(0, int64(f))
			case f >= 1e14:
				t = time.UnixMicro(int64(f))
			case f >= 1e11:
				t = time.UnixMilli(int64(f))
			default:
				t = time.Unix(0, int64(f*1e9))
			}
			if validTime(t) {
				return t.UTC(), nil
			}
		}
		return time.Time{}, fmt.Errorf("malformed time %s", quoteShort([]byte(s)))
	}
	if t, err := parseCLFTime([]byte(s)); err == nil {
		return t, nil
	}
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05.999999999", "2006-01-02 15:04:05.999999999Z07:00", "2006-01-02 15:04:05.999999999"} {
		if t, err := time.Parse(layout, s); err == nil && validTime(t) {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("malformed time %s: want RFC 3339, 17/May/2015:10:05:03 +0000 or a Unix epoch", quoteShort([]byte(s)))
}

func isNumeric(s string) bool {
	_, err := strconv.ParseFloat(s, 64)
	return err == nil && s != "" && s[0] >= '0' && s[0] <= '9'
}

// parseJSONDuration reads a duration: a number in unit, or text with its own
// unit ("12ms").
func parseJSONDuration(v any, unit time.Duration) (time.Duration, error) {
	s := jsonString(v)
	if f, err := strconv.ParseFloat(s, 64); err == nil {
		if !(f >= 0 && f*float64(unit) < math.MaxInt64) {
			return 0, fmt.Errorf("malformed duration %s", quoteShort([]byte(s)))
		}
		return time.Duration(f * float64(unit)), nil
	}
	d, err := time.ParseDuration(s)
	if err != nil || d < 0 {
		return 0, fmt.Errorf("malformed duration %s", quoteShort([]byte(s)))
	}
	return d, nil
}
