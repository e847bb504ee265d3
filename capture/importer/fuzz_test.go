package importer

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/spoorhq/spoor/engine"
)

// checkExchange is what every parser promises of an exchange it returns:
// a time that encodes, a method that is a token, and no negative sizes.
func checkExchange(t *testing.T, x *engine.Exchange) {
	t.Helper()
	if !validTime(x.Start) {
		t.Fatalf("time %v out of range", x.Start)
	}
	if x.Method != "" && !isToken(x.Method) {
		t.Fatalf("method %q is not a token", x.Method)
	}
	if x.RespBody.Size < 0 || x.ReqBody.Size < 0 || x.Duration < 0 {
		t.Fatalf("negative size or duration: %+v", x)
	}
	if _, err := x.Start.MarshalJSON(); err != nil {
		t.Fatal(err)
	}
}

func FuzzCombinedLine(f *testing.F) {
	f.Add(clfLine(0, "/a?b=1"))
	f.Add(`10.0.0.1 - - [17/May/2015:10:05:03 +0000] "GET / HTTP/1.0" 200 -`)
	f.Add(`::1 - - [17/May/2015:10:05:03 -0130] "GET http://a.test/x HTTP/1.1" 200 5 "-" "a \"b\" \x41\\"`)
	f.Fuzz(func(t *testing.T, line string) {
		x, err := ParseCombinedLine([]byte(line))
		if err != nil {
			return
		}
		checkExchange(t, x)
	})
}

func FuzzLogFormat(f *testing.F) {
	f.Add(nginxCombined, `192.0.2.1 - - [24/Nov/2026:10:00:00 +0000] "GET /a HTTP/1.1" 200 12 "-" "curl"`)
	f.Add(`$msec|$request_method|$uri|$args|$upstream_response_time|$http_host|$cookie_a`, `1.5|GET|/s|q|0.1, 0.2|h|c`)
	f.Add(`${time_iso8601} "$request_method $request_uri" $request_time $sent_http_x`, `2026-11-24T10:00:00Z "GET /x?y" 0.001 v`)
	f.Fuzz(func(t *testing.T, format, line string) {
		lf, err := ParseLogFormat(format)
		if err != nil {
			return
		}
		x, err := lf.ParseLine([]byte(line))
		if err != nil {
			return
		}
		checkExchange(t, x)
	})
}

func FuzzJSONLine(f *testing.F) {
	f.Add("", `{"time":"2026-11-24T10:00:00Z","ip":"192.0.2.1","method":"GET","path":"/a?b=1","status":200,"bytes":12,"duration_ms":3.5}`)
	f.Add("time=ts,path=r.u,duration=d:s,header.X=h.0", `{"ts":1795514400000,"r":{"u":"/x"},"d":"0.5","h":["k"]}`)
	f.Add("", `{"time":1e300,"url":"http://a/"}`)
	f.Fuzz(func(t *testing.T, mapping, line string) {
		m, err := ParseMapping(mapping)
		if err != nil {
			return
		}
		x, err := m.ParseLine([]byte(line))
		if err != nil {
			return
		}
		checkExchange(t, x)
	})
}

// FuzzHAR feeds whole HAR documents, seeded with testdata/har, through the
// streaming reader.
func FuzzHAR(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("testdata", "har", "*.har"))
	if len(files) == 0 {
		f.Fatal("no seeds in testdata/har")
	}
	for _, file := range files {
		if b, err := os.ReadFile(file); err == nil && len(b) < 16<<10 {
			f.Add(string(b))
		}
	}
	f.Add(`{"log":{"entries":[{"startedDateTime":"2026-11-24T10:00:00Z","time":1,"request":{"method":"GET","url":"http://a/"},"response":{"status":200,"content":{"text":"AA==","encoding":"base64"}}}]}}`)
	f.Fuzz(func(t *testing.T, doc string) {
		st, err := Import(context.Background(), strings.NewReader(doc), Options{Format: FormatHAR, BodyLimit: 1024}, func(x *engine.Exchange) error {
			checkExchange(t, x)
			if len(x.ReqBody.Data) > 1024 || len(x.RespBody.Data) > 1024 {
				t.Fatalf("body over the limit: %d, %d", len(x.ReqBody.Data), len(x.RespBody.Data))
			}
			return nil
		})
		if err == nil && st.FirstBad != nil && !utf8.ValidString(st.FirstBad.String()) && utf8.ValidString(doc) {
			t.Fatalf("bad-entry message is not UTF-8: %q", st.FirstBad)
		}
	})
}

// FuzzResume cuts the gzip of an input anywhere and checks what a break
// and a resume promise: the records read before the break and those a
// resume of the whole input reads add up to the whole input's, the
// position read before the break is found at the start of the whole input,
// and the resume ends where the whole import ends. A small window keeps
// each run cheap: the default one allocates more than the fuzzer can
// afford per input.
func FuzzResume(f *testing.F) {
	f.Add(generatedLog(8), uint16(300))
	f.Add(generatedJSONLines(6), uint16(200))
	f.Add(generatedHAR(3), uint16(400))
	f.Add(clfLine(0, "/a")+"\n\n"+clfLine(1, "/b"), uint16(40))
	f.Fuzz(func(t *testing.T, doc string, cut uint16) {
		full := gz(doc)
		all, whole, err := collect(t, full, Options{Window: 8})
		if err != nil {
			return
		}
		opts := Options{Format: whole.Format, Window: 8}
		kept, st, err := collect(t, full[:int(cut)%(len(full)+1)], opts)
		var brk *BreakError
		if !errors.As(err, &brk) {
			return
		}
		if st.Read.Records > whole.Read.Records || st.Read.Offset > whole.Read.Offset {
			t.Fatalf("the cut read %+v, beyond the whole %+v", st.Read, whole.Read)
		}
		if st.Read.Records > 0 {
			pos, ok := MatchPrefix(strings.NewReader(full), []Position{st.Read})
			if !ok || pos != st.Read {
				t.Fatalf("MatchPrefix = %+v, %v; want %+v", pos, ok, st.Read)
			}
		}
		opts.Resume = st.Read
		rest, st2, err := collect(t, full, opts)
		if err != nil {
			t.Fatalf("resume from %+v: %v", st.Read, err)
		}
		if len(kept)+len(rest) != len(all) || st.Bad+st2.Bad != whole.Bad {
			t.Fatalf("cut %d+%d bad, resume %d+%d bad; whole %d+%d bad", len(kept), st.Bad, len(rest), st2.Bad, len(all), whole.Bad)
		}
		if st2.Read != whole.Read {
			t.Fatalf("resume read to %+v, the whole import to %+v", st2.Read, whole.Read)
		}
	})
}
