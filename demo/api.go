package demo

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"time"
)

// maxBody bounds the JSON bodies the API reads; the largest legitimate one,
// a login, is well under a kilobyte.
const maxBody = 16 << 10

// APIOptions configures the demo shop API.
type APIOptions struct {
	// Seed makes the catalog, the profiles, session IDs and latencies
	// repeatable: the same seed serves the same data.
	Seed int64
	// Secret signs the HS256 tokens. When empty, a secret is derived from
	// Seed, which is fine for a demo and for nothing else.
	Secret []byte
}

// api is the state behind the handler.
type api struct {
	catalog *catalog
	auth    *authority
	shop    *shop
	latency *latency
}

// NewAPI returns the demo shop API. The handler is safe for concurrent use.
func NewAPI(opts APIOptions) http.Handler {
	s := &api{
		catalog: newCatalog(opts.Seed),
		auth:    newAuthority(opts.Seed, opts.Secret),
		shop:    newShop(),
		latency: newLatency(opts.Seed),
	}
	return s.routes()
}

// routes maps endpoints to handlers. The delays give the listing, the search
// and the order endpoints the uneven latencies of a real service, so that
// durations in spoor are worth reading.
func (s *api) routes() http.Handler {
	var (
		light  = delay{base: time.Millisecond, spread: 4 * time.Millisecond, slowChance: 0.02, slow: 60 * time.Millisecond}
		browse = delay{base: 2 * time.Millisecond, spread: 10 * time.Millisecond, slowChance: 0.05, slow: 150 * time.Millisecond}
		heavy  = delay{base: 15 * time.Millisecond, spread: 40 * time.Millisecond, slowChance: 0.10, slow: 200 * time.Millisecond}
	)
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
	})
	mux.HandleFunc("POST /login", s.slowed(heavy, s.login))
	mux.HandleFunc("POST /logout", s.slowed(light, s.logout))
	mux.HandleFunc("GET /products", s.slowed(browse, s.listProducts))
	mux.HandleFunc("GET /products/{id}", s.slowed(light, s.getProduct))
	mux.HandleFunc("GET /search", s.slowed(heavy, s.search))
	mux.HandleFunc("GET /cart", s.slowed(light, s.authed(s.getCart)))
	mux.HandleFunc("POST /cart", s.slowed(light, s.authed(s.addToCart)))
	mux.HandleFunc("POST /orders", s.slowed(heavy, s.authed(s.placeOrder)))
	mux.HandleFunc("GET /orders/{id}", s.slowed(light, s.authed(s.getOrder)))
	mux.HandleFunc("GET /users/{id}", s.slowed(light, s.authed(s.getUser)))
	// GET /account is the profile endpoint of the app's first versions,
	// deprecated in openapi.yaml for GET /users/{id}; the app still calls it.
	mux.HandleFunc("GET /account", s.slowed(light, s.authed(s.getAccount)))
	mux.HandleFunc("GET /admin/users", s.slowed(browse, s.authed(s.adminUsers)))
	s.routeMCP(mux)
	s.routeGraphQL(mux)
	// Unknown paths answer in JSON like the rest of the API, so that a
	// scanner's probes look as they would against a real service.
	mux.HandleFunc("/", func(w http.ResponseWriter, _ *http.Request) {
		writeError(w, http.StatusNotFound, "not found")
	})
	return mux
}

// writeJSON writes v as the response body. An encoding error cannot be
// reported to a client that already has the status line, so it is dropped.
func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// writeError writes the API's error shape, {"error": msg}.
func writeError(w http.ResponseWriter, status int, msg string) {
	writeJSON(w, status, map[string]string{"error": msg})
}

// decodeBody reads one JSON object of at most maxBody bytes into v.
func decodeBody(w http.ResponseWriter, r *http.Request, v any) error {
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxBody))
	if err := dec.Decode(v); err != nil {
		if _, ok := errors.AsType[*http.MaxBytesError](err); ok {
			return fmt.Errorf("body is larger than %d bytes", maxBody)
		}
		return fmt.Errorf("body is not the expected JSON object: %w", err)
	}
	return nil
}

// pathID reads the {id} path value as a positive integer, answering 400
// itself when it is not one.
func pathID(w http.ResponseWriter, r *http.Request) (int, bool) {
	id, err := strconv.Atoi(r.PathValue("id"))
	if err != nil || id < 1 {
		writeError(w, http.StatusBadRequest, "id must be a positive integer")
		return 0, false
	}
	return id, true
}
