// Command forwardload is the HTTPS origin and the load client of
// bench/forward.sh, which compares spoor proxy --mode forward with
// mitmdump --mode regular. wrk cannot send CONNECT through a proxy, so the
// client is Go's http.Transport with Proxy and RootCAs set, holding
// -c keep-alive connections, each tunnelled through the proxy and
// intercepted there.
//
//	forwardload origin -listen 127.0.0.1:9443 -ca-out origin-ca.pem
//	forwardload load -proxy http://127.0.0.1:8080 -ca proxy-ca.pem \
//	    -url https://localhost:9443/api/items -c 32 -d 10s
//
// The origin answers every request 200 with a 512-byte JSON document over
// TLS with a certificate for localhost and 127.0.0.1, signed by a CA it
// makes at start and writes to -ca-out for the proxies to trust. It runs
// until SIGINT or SIGTERM. The load client prints one line:
//
//	FWD requests=N rps=R p50_us=A p99_us=B errors=E non2xx=F
//
// It belongs to bench/ and is no part of spoor.
package main

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/big"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/signal"
	"slices"
	"strings"
	"sync"
	"syscall"
	"time"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "forwardload: want origin or load (see the package comment)")
		os.Exit(2)
	}
	var err error
	switch os.Args[1] {
	case "origin":
		err = origin(os.Args[2:])
	case "load":
		err = load(os.Args[2:])
	default:
		err = fmt.Errorf("unknown command %q: want origin or load", os.Args[1])
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "forwardload:", err)
		os.Exit(1)
	}
}

func origin(args []string) error {
	fs := flag.NewFlagSet("origin", flag.ExitOnError)
	listen := fs.String("listen", "127.0.0.1:9443", "address to serve HTTPS on")
	caOut := fs.String("ca-out", "origin-ca.pem", "where to write the CA certificate clients trust")
	fs.Parse(args)
	cert, caPEM, err := makeCert()
	if err != nil {
		return err
	}
	if err := os.WriteFile(*caOut, caPEM, 0o644); err != nil {
		return err
	}
	body := []byte(`{"items":[` + strings.Repeat(`{"id":1234,"name":"item"},`, 19) + `{"id":1,"name":"x"}]}`)
	body = append(body, strings.Repeat(" ", max(0, 512-len(body)))...)
	srv := &http.Server{
		Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			io.Copy(io.Discard, r.Body)
			w.Header().Set("Content-Type", "application/json")
			w.Write(body)
		}),
		TLSConfig: &tls.Config{Certificates: []tls.Certificate{cert}, NextProtos: []string{"http/1.1"}},
	}
	ln, err := net.Listen("tcp", *listen)
	if err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	go func() {
		<-ctx.Done()
		srv.Close()
	}()
	if err := srv.ServeTLS(ln, "", ""); !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// makeCert makes a CA and a certificate it signs for localhost and
// 127.0.0.1; it returns the certificate and the CA as PEM.
func makeCert() (tls.Certificate, []byte, error) {
	caKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return tls.Certificate{}, nil, err
	}
	now := time.Now()
	caTmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "forwardload origin CA"},
		NotBefore: now.Add(-time.Hour), NotAfter: now.Add(24 * time.Hour), KeyUsage: x509.KeyUsageCertSign,
		BasicConstraintsValid: true, IsCA: true}
	caDER, err := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, &caKey.PublicKey, caKey)
	if err != nil {
		return tls.Certificate{}, nil, err
	}
	ca, _ := x509.ParseCertificate(caDER)
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return tls.Certificate{}, nil, err
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(2), Subject: pkix.Name{CommonName: "localhost"},
		NotBefore: now.Add(-time.Hour), NotAfter: now.Add(24 * time.Hour), DNSNames: []string{"localhost"},
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}, KeyUsage: x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca, &key.PublicKey, caKey)
	if err != nil {
		return tls.Certificate{}, nil, err
	}
	return tls.Certificate{Certificate: [][]byte{der, caDER}, PrivateKey: key},
		pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: caDER}), nil
}

func load(args []string) error {
	fs := flag.NewFlagSet("load", flag.ExitOnError)
	proxy := fs.String("proxy", "", "the forward proxy's URL")
	caFile := fs.String("ca", "", "PEM file of the proxy's CA")
	target := fs.String("url", "", "the HTTPS URL to request")
	conns := fs.Int("c", 32, "keep-alive connections, one goroutine each")
	dur := fs.Duration("d", 10*time.Second, "how long to measure")
	warmup := fs.Duration("warmup", time.Second, "how long to load before measuring")
	fs.Parse(args)
	proxyURL, err := url.Parse(*proxy)
	if err != nil || *proxy == "" {
		return fmt.Errorf("invalid -proxy %q", *proxy)
	}
	pemData, err := os.ReadFile(*caFile)
	if err != nil {
		return err
	}
	roots := x509.NewCertPool()
	if !roots.AppendCertsFromPEM(pemData) {
		return fmt.Errorf("no certificate in %s", *caFile)
	}
	tr := &http.Transport{
		Proxy:               http.ProxyURL(proxyURL),
		TLSClientConfig:     &tls.Config{RootCAs: roots},
		MaxIdleConnsPerHost: *conns,
		MaxConnsPerHost:     *conns,
		DisableCompression:  true,
	}
	client := &http.Client{Transport: tr, Timeout: 30 * time.Second}
	type result struct {
		lat           []time.Duration
		errors, non2x int
		firstErr      error
	}
	results := make([]result, *conns)
	start := time.Now()
	measureFrom, end := start.Add(*warmup), start.Add(*warmup+*dur)
	var wg sync.WaitGroup
	for i := range *conns {
		wg.Add(1)
		go func(r *result) {
			defer wg.Done()
			for {
				t0 := time.Now()
				if t0.After(end) {
					return
				}
				resp, err := client.Get(*target)
				if err == nil {
					io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
				}
				if t0.Before(measureFrom) {
					continue
				}
				switch {
				case err != nil:
					r.errors++
					if r.firstErr == nil {
						r.firstErr = err
					}
				case resp.StatusCode/100 != 2:
					r.non2x++
				default:
					r.lat = append(r.lat, time.Since(t0))
				}
			}
		}(&results[i])
	}
	wg.Wait()
	var all []time.Duration
	errs, non2x := 0, 0
	var firstErr error
	for _, r := range results {
		all = append(all, r.lat...)
		errs += r.errors
		non2x += r.non2x
		if firstErr == nil {
			firstErr = r.firstErr
		}
	}
	slices.Sort(all)
	pct := func(p float64) int64 {
		if len(all) == 0 {
			return 0
		}
		return all[min(len(all)-1, int(p*float64(len(all))))].Microseconds()
	}
	n := len(all) + errs + non2x
	fmt.Printf("FWD requests=%d rps=%.0f p50_us=%d p99_us=%d errors=%d non2xx=%d\n", n, float64(len(all))/dur.Seconds(), pct(0.50), pct(0.99), errs, non2x)
	if firstErr != nil {
		fmt.Fprintln(os.Stderr, "forwardload: first error:", firstErr)
	}
	return nil
}
