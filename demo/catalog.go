package demo

import (
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// The catalog's shape. productCount fills exactly 50 pages of the default
// page size, the range the scraper walks; profileCount is the last user ID,
// so the enumerator's walk past it meets 404s.
const (
	productCount    = 1000
	profileCount    = 500
	defaultPageSize = 20
	maxPageSize     = 100
	maxSearchLen    = 100
	maxSearchHits   = 20
)

// product is one article of the shop.
type product struct {
	ID          int    `json:"id"`
	Name        string `json:"name"`
	Category    string `json:"category"`
	PriceCents  int    `json:"price_cents"`
	Stock       int    `json:"stock"`
	Description string `json:"description,omitempty"`
}

// summary is the product as listed: listings leave out the description so
// that a page stays small, as real catalogs do.
func (p product) summary() product {
	p.Description = ""
	return p
}

// profile is one user's profile. Email and City are private: only the user
// and administrators see them.
type profile struct {
	ID          int    `json:"id"`
	Username    string `json:"username"`
	DisplayName string `json:"display_name"`
	Joined      string `json:"joined"`
	Email       string `json:"email,omitempty"`
	City        string `json:"city,omitempty"`
}

// public is the profile as other users see it.
func (p profile) public() profile {
	p.Email, p.City = "", ""
	return p
}

// catalog is the shop's read-only data, generated once from the seed so that
// every run with the same seed serves the same bytes.
type catalog struct {
	products []product // products[i].ID == i+1
	profiles []profile // profiles[i].ID == i+1
}

func newCatalog(seed int64) *catalog {
	rng := rand.New(rand.NewPCG(uint64(seed), 0x73706f6f72)) // "spoor"
	c := &catalog{
		products: make([]product, productCount),
		profiles: make([]profile, profileCount),
	}
	adjectives, nouns, categories := productAdjectives(), productNouns(), productCategories()
	for i := range c.products {
		n := rng.IntN(len(nouns))
		adj := adjectives[rng.IntN(len(adjectives))]
		c.products[i] = product{
			ID:          i + 1,
			Name:        adj + " " + nouns[n],
			Category:    categories[n%len(categories)],
			PriceCents:  199 + rng.IntN(200)*50,
			Stock:       rng.IntN(120),
			Description: fmt.Sprintf("A %s %s, made to last.", strings.ToLower(adj), nouns[n]),
		}
	}
	first, last, cities := firstNames(), lastNames(), cities()
	epoch := time.Date(2019, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := range c.profiles {
		f, l := first[rng.IntN(len(first))], last[rng.IntN(len(last))]
		user := fmt.Sprintf("%s.%s%d", strings.ToLower(f), strings.ToLower(l), i+1)
		c.profiles[i] = profile{
			ID:          i + 1,
			Username:    user,
			DisplayName: f + " " + l,
			Joined:      epoch.AddDate(0, 0, rng.IntN(2200)).Format(time.DateOnly),
			Email:       user + "@mail.example",
			City:        cities[rng.IntN(len(cities))],
		}
	}
	// The demo accounts own their profiles, so that a user who reads
	// /users/{own id} sees the name they logged in with.
	for _, acc := range accounts() {
		p := &c.profiles[acc.UserID-1]
		p.Username = acc.Username
		p.Email = acc.Username + "@demo.spoor.local"
	}
	return c
}

// product returns the product with the given ID.
func (c *catalog) product(id int) (product, bool) {
	if id < 1 || id > len(c.products) {
		return product{}, false
	}
	return c.products[id-1], true
}

// profile returns the profile with the given user ID.
func (c *catalog) profile(id int) (profile, bool) {
	if id < 1 || id > len(c.profiles) {
		return profile{}, false
	}
	return c.profiles[id-1], true
}

// productPage is the body of GET /products.
type productPage struct {
	Page  int       `json:"page"`
	Size  int       `json:"size"`
	Pages int       `json:"pages"`
	Total int       `json:"total"`
	Items []product `json:"items"`
}

func (s *api) listProducts(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	page, err := intParam(q, "page", 1, 1, 1<<20)
	if err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	size, err := intParam(q, "size", defaultPageSize, 1, maxPageSize)
	if err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	total := len(s.catalog.products)
	body := productPage{Page: page, Size: size, Pages: (total + size - 1) / size, Total: total, Items: []product{}}
	for i := (page - 1) * size; i < min(page*size, total); i++ {
		body.Items = append(body.Items, s.catalog.products[i].summary())
	}
	writeJSON(w, http.StatusOK, body)
}

func (s *api) getProduct(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(w, r)
	if !ok {
		return
	}
	p, ok := s.catalog.product(id)
	if !ok {
		writeError(w, http.StatusNotFound, "product not found")
		return
	}
	writeJSON(w, http.StatusOK, p)
}

// searchResult is the body of GET /search.
type searchResult struct {
	Query string    `json:"query"`
	Total int       `json:"total"`
	Items []product `json:"items"`
}

// search matches the query as plain text against names and categories. It
// never interprets the query, which is why a payload finds nothing rather
// than everything.
func (s *api) search(w http.ResponseWriter, r *http.Request) {
	q := strings.TrimSpace(r.URL.Query().Get("q"))
	switch {
	case q == "":
		writeError(w, http.StatusBadRequest, "q is required")
		return
	case len(q) > maxSearchLen:
		writeError(w, http.StatusBadRequest, fmt.Sprintf("q is longer than %d bytes", maxSearchLen))
		return
	}
	needle := strings.ToLower(q)
	body := searchResult{Query: q, Items: []product{}}
	for _, p := range s.catalog.products {
		if strings.Contains(strings.ToLower(p.Name), needle) || strings.Contains(p.Category, needle) {
			body.Total++
			if len(body.Items) < maxSearchHits {
				body.Items = append(body.Items, p.summary())
			}
		}
	}
	writeJSON(w, http.StatusOK, body)
}

// getUser shows a profile to any signed-in user, with the private fields only
// to its owner and to administrators. That every ID is readable is the
// weakness the enumerator exploits.
func (s *api) getUser(w http.ResponseWriter, r *http.Request, who principal) {
	id, ok := pathID(w, r)
	if !ok {
		return
	}
	p, ok := s.catalog.profile(id)
	if !ok {
		writeError(w, http.StatusNotFound, "user not found")
		return
	}
	if who.UserID != id && who.Role != roleAdmin {
		p = p.public()
	}
	writeJSON(w, http.StatusOK, p)
}

// getAccount is the caller's own profile: the deprecated predecessor of
// GET /users/{id}, which says so in a Deprecation header (RFC 9745) and
// names its successor, as a well-behaved API does until it removes one.
func (s *api) getAccount(w http.ResponseWriter, _ *http.Request, who principal) {
	p, ok := s.catalog.profile(who.UserID)
	if !ok {
		writeError(w, http.StatusNotFound, "user not found")
		return
	}
	w.Header().Set("Deprecation", "@1767225600")
	w.Header().Set("Link", fmt.Sprintf("</users/%d>; rel=\"successor-version\"", who.UserID))
	writeJSON(w, http.StatusOK, p)
}

// adminUsers lists the first page of profiles, private fields included.
func (s *api) adminUsers(w http.ResponseWriter, r *http.Request, who principal) {
	if who.Role != roleAdmin {
		writeError(w, http.StatusForbidden, "admin role required")
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"total": len(s.catalog.profiles),
		"items": s.catalog.profiles[:defaultPageSize],
	})
}

// intParam reads an optional integer query parameter within [lo, hi].
func intParam(q url.Values, name string, def, lo, hi int) (int, error) {
	raw := q.Get(name)
	if raw == "" {
		return def, nil
	}
	n, err := strconv.Atoi(raw)
	if err != nil || n < lo || n > hi {
		return 0, fmt.Errorf("%s must be an integer from %d to %d", name, lo, hi)
	}
	return n, nil
}
