package engine

import (
	"bytes"
	"compress/gzip"
	"encoding/base64"
	"time"
)

// testSecret keys the hasher of every test, so that expected hashes are
// stable.
const testSecret = "test-store-secret"

func testHasher() Hasher { return NewHasher([]byte(testSecret)) }

// makeJWT builds an unsigned-looking compact JWS around claims; spoor never
// verifies signatures, so any third part will do.
func makeJWT(claims string) string {
	enc := base64.RawURLEncoding
	return enc.EncodeToString([]byte(`{"alg":"HS256","typ":"JWT"}`)) + "." +
		enc.EncodeToString([]byte(claims)) + ".c2lnbmF0dXJl"
}

func gzipBytes(b []byte) []byte {
	var buf bytes.Buffer
	w := gzip.NewWriter(&buf)
	_, _ = w.Write(b)
	_ = w.Close()
	return buf.Bytes()
}

// t0 is the start of every test timeline.
var t0 = time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC)

// exchangeAt returns a minimal exchange from ip at t0+offset.
func exchangeAt(offset time.Duration, method, target, ip string, headers ...string) *Exchange {
	path, query, _ := cutQuery(target)
	x := &Exchange{
		Start:    t0.Add(offset),
		Duration: 20 * time.Millisecond,
		ClientIP: ip,
		Method:   method,
		Host:     "api.example.com",
		Path:     path,
		Query:    query,
		Status:   200,
	}
	for i := 0; i+1 < len(headers); i += 2 {
		x.ReqHeaders = append(x.ReqHeaders, Header{Name: headers[i], Value: headers[i+1]})
	}
	return x
}

func cutQuery(target string) (string, string, bool) {
	for i := 0; i < len(target); i++ {
		if target[i] == '?' {
			return target[:i], target[i+1:], true
		}
	}
	return target, "", false
}

func withBody(x *Exchange, contentType, body string) *Exchange {
	x.ReqHeaders = append(x.ReqHeaders, Header{Name: "Content-Type", Value: contentType})
	x.ReqBody = Body{Data: []byte(body), Size: int64(len(body))}
	return x
}

func withResponse(x *Exchange, status int, body string, headers ...string) *Exchange {
	x.Status = status
	for i := 0; i+1 < len(headers); i += 2 {
		x.RespHeaders = append(x.RespHeaders, Header{Name: headers[i], Value: headers[i+1]})
	}
	x.RespBody = Body{Data: []byte(body), Size: int64(len(body))}
	return x
}
