package demo

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/golang-jwt/jwt/v5"
)

// credential sets how a test request authenticates.
type credential func(*http.Request)

func bearer(token string) credential {
	return func(r *http.Request) { r.Header.Set("Authorization", "Bearer "+token) }
}

func cookie(sid string) credential {
	return func(r *http.Request) { r.AddCookie(&http.Cookie{Name: sidCookie, Value: sid}) }
}

func call(t *testing.T, h http.Handler, method, target, body string, creds ...credential) *httptest.ResponseRecorder {
	t.Helper()
	r := httptest.NewRequest(method, target, strings.NewReader(body))
	if body != "" {
		r.Header.Set("Content-Type", "application/json")
	}
	for _, c := range creds {
		c(r)
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w
}

// login logs in as a demo account and returns its token and sid cookie.
func login(t *testing.T, h http.Handler, username string) (token, sid string) {
	t.Helper()
	acc, ok := findAccount(username)
	if !ok {
		t.Fatalf("no account %q", username)
	}
	w := call(t, h, "POST", "/login", `{"username":"`+acc.Username+`","password":"`+acc.Password+`"}`)
	if w.Code != http.StatusOK {
		t.Fatalf("login as %s: status %d, body %s", username, w.Code, w.Body)
	}
	var out loginReply
	decodeRecorder(t, w, &out)
	for _, c := range w.Result().Cookies() {
		if c.Name == sidCookie {
			sid = c.Value
		}
	}
	if out.Token == "" || sid == "" {
		t.Fatalf("login as %s: token %q, sid %q", username, out.Token, sid)
	}
	return out.Token, sid
}

func decodeRecorder(t *testing.T, w *httptest.ResponseRecorder, v any) {
	t.Helper()
	if err := json.Unmarshal(w.Body.Bytes(), v); err != nil {
		t.Fatalf("decode %s: %v", w.Body, err)
	}
}

func TestLogin(t *testing.T) {
	t.Parallel()
	h := NewAPI(APIOptions{Seed: 1})
	tests := []struct {
		name string
		body string
		want int
	}{
		{"known user", `{"username":"alice","password":"alice-wonder-1"}`, http.StatusOK},
		{"wrong password", `{"username":"alice","password":"123456"}`, http.StatusUnauthorized},
		{"unknown user", `{"username":"zed","password":"alice-wonder-1"}`, http.StatusUnauthorized},
		{"sql injection", `{"username":"admin' --","password":"x"}`, http.StatusUnauthorized},
		{"missing password", `{"username":"alice"}`, http.StatusBadRequest},
		{"operator object", `{"username":{"$ne":""},"password":{"$ne":""}}`, http.StatusBadRequest},
		{"not json", `username=alice`, http.StatusBadRequest},
		{"too large", `{"username":"` + strings.Repeat("a", maxBody) + `"}`, http.StatusBadRequest},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := call(t, h, "POST", "/login", tt.body)
			if w.Code != tt.want {
				t.Fatalf("status %d, want %d; body %s", w.Code, tt.want, w.Body)
			}
			hasSid := strings.Contains(w.Header().Get("Set-Cookie"), sidCookie+"=")
			if hasSid != (tt.want == http.StatusOK) {
				t.Errorf("Set-Cookie %q after status %d", w.Header().Get("Set-Cookie"), w.Code)
			}
		})
	}
}

func TestTokenClaims(t *testing.T) {
	t.Parallel()
	h := NewAPI(APIOptions{Seed: 1})
	token, _ := login(t, h, "dave")
	var c claims
	if _, _, err := jwt.NewParser().ParseUnverified(token, &c); err != nil {
		t.Fatal(err)
	}
	if c.Subject != "101" || c.Issuer != Issuer || c.Role != roleCustomer || c.ExpiresAt == nil {
		t.Errorf("claims = %+v", c)
	}
}

func TestBearerAuth(t *testing.T) {
	t.Parallel()
	h := NewAPI(APIOptions{Seed: 1})
	token, _ := login(t, h, "dave")
	foreign, _ := login(t, NewAPI(APIOptions{Seed: 1, Secret: []byte("another secret")}), "dave")
	unsigned, err := jwt.NewWithClaims(jwt.SigningMethodNone, jwt.MapClaims{"sub": "101", "iss": Issuer, "role": roleAdmin, "exp": 4102444800}).
		SignedString(jwt.UnsafeAllowNoneSignatureType)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name  string
		creds []credential
		want  int
	}{
		{"valid token", []credential{bearer(token)}, http.StatusOK},
		{"no credential", nil, http.StatusUnauthorized},
		{"tampered token", []credential{bearer(token[:len(token)-2] + "xx")}, http.StatusUnauthorized},
		{"other secret", []credential{bearer(foreign)}, http.StatusUnauthorized},
		{"alg none", []credential{bearer(unsigned)}, http.StatusUnauthorized},
		{"stale cookie beside valid token", []credential{cookie("stale"), bearer(token)}, http.StatusOK},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if w := call(t, h, "GET", "/cart", "", tt.creds...); w.Code != tt.want {
				t.Fatalf("status %d, want %d; body %s", w.Code, tt.want, w.Body)
			}
		})
	}
}

func TestCookieAuth(t *testing.T) {
	t.Parallel()
	h := NewAPI(APIOptions{Seed: 1})
	_, sid := login(t, h, "alice")
	if w := call(t, h, "GET", "/cart", "", cookie(sid)); w.Code != http.StatusOK {
		t.Fatalf("cart with sid: status %d", w.Code)
	}
	if w := call(t, h, "POST", "/logout", "", cookie(sid)); w.Code != http.StatusNoContent {
		t.Fatalf("logout: status %d", w.Code)
	}
	if w := call(t, h, "GET", "/cart", "", cookie(sid)); w.Code != http.StatusUnauthorized {
		t.Fatalf("cart after logout: status %d, want 401", w.Code)
	}
}

func TestProductPaging(t *testing.T) {
	t.Parallel()
	h := NewAPI(APIOptions{Seed: 1})
	tests := []struct {
		target            string
		want              int
		items, pages, top int // top is the last item's ID
	}{
		{"/products", http.StatusOK, 20, 50, 20},
		{"/products?page=2", http.StatusOK, 20, 50, 40},
		{"/products?page=50", http.StatusOK, 20, 50, 1000},
		{"/products?page=51", http.StatusOK, 0, 50, 0},
		{"/products?page=3&size=100", http.StatusOK, 100, 10, 300},
		{"/products?file=..%2F..%2Fetc%2Fpasswd", http.StatusOK, 20, 50, 20},
		{"/products?page=0", http.StatusBadRequest, 0, 0, 0},
		{"/products?page=abc", http.StatusBadRequest, 0, 0, 0},
		{"/products?size=101", http.StatusBadRequest, 0, 0, 0},
		{"/products?page=1%27+OR+%271%27%3D%271", http.StatusBadRequest, 0, 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.target, func(t *testing.T) {
			w := call(t, h, "GET", tt.target, "")
			if w.Code != tt.want {
				t.Fatalf("status %d, want %d; body %s", w.Code, tt.want, w.Body)
			}
			if w.Code != http.StatusOK {
				return
			}
			var page productPage
			decodeRecorder(t, w, &page)
			top := 0
			if n := len(page.Items); n > 0 {
				top = page.Items[n-1].ID
			}
			if len(page.Items) != tt.items || page.Pages != tt.pages || top != tt.top {
				t.Errorf("items %d, pages %d, last ID %d; want %d, %d, %d", len(page.Items), page.Pages, top, tt.items, tt.pages, tt.top)
			}
		})
	}
}

func TestNotFoundAndBadIDs(t *testing.T) {
	t.Parallel()
	h := NewAPI(APIOptions{Seed: 1})
	token, _ := login(t, h, "mallory")
	tests := []struct {
		target string
		want   int
	}{
		{"/products/1", http.StatusOK},
		{"/products/1000", http.StatusOK},
		{"/products/1001", http.StatusNotFound},
		{"/products/0", http.StatusBadRequest},
		{"/products/abc", http.StatusBadRequest},
		{"/users/500", http.StatusOK},
		{"/users/501", http.StatusNotFound},
		{"/users/1%20OR%201=1", http.StatusBadRequest},
		{"/orders/999999", http.StatusNotFound},
		{"/.env", http.StatusNotFound},
		{"/healthz", http.StatusOK},
	}
	for _, tt := range tests {
		t.Run(tt.target, func(t *testing.T) {
			if w := call(t, h, "GET", tt.target, "", bearer(token)); w.Code != tt.want {
				t.Fatalf("status %d, want %d; body %s", w.Code, tt.want, w.Body)
			}
		})
	}
}

func TestPathTraversalIsRefused(t *testing.T) {
	t.Parallel()
	h := NewAPI(APIOptions{Seed: 1})
	w := call(t, h, "GET", "/products/..%2f..%2fetc%2fpasswd", "")
	if w.Code == http.StatusOK || w.Code >= 500 || strings.Contains(w.Body.String(), "root:") {
		t.Fatalf("status %d, body %s", w.Code, w.Body)
	}
}

func TestSearch(t *testing.T) {
	t.Parallel()
	h := NewAPI(APIOptions{Seed: 1})
	tests := []struct {
		query string
		want  int
		found bool
	}{
		{"q=lamp", http.StatusOK, true},
		{"q=LAMP", http.StatusOK, true},
		{"q=%3Cscript%3Ealert%281%29%3C%2Fscript%3E", http.StatusOK, false},
		{"q=1+UNION+SELECT+username%2Cpassword+FROM+users--", http.StatusOK, false},
		{"q=", http.StatusBadRequest, false},
		{"q=" + strings.Repeat("a", maxSearchLen+1), http.StatusBadRequest, false},
	}
	for _, tt := range tests {
		t.Run(tt.query[:min(len(tt.query), 30)], func(t *testing.T) {
			w := call(t, h, "GET", "/search?"+tt.query, "")
			if w.Code != tt.want {
				t.Fatalf("status %d, want %d; body %s", w.Code, tt.want, w.Body)
			}
			if w.Code != http.StatusOK {
				return
			}
			if strings.Contains(w.Body.String(), "<script>") {
				t.Errorf("body echoes markup unescaped: %s", w.Body)
			}
			var res searchResult
			decodeRecorder(t, w, &res)
			if (len(res.Items) > 0) != tt.found {
				t.Errorf("%d items, want found=%v", len(res.Items), tt.found)
			}
			for _, p := range res.Items {
				if !strings.Contains(strings.ToLower(p.Name+p.Category), "lamp") {
					t.Errorf("item %q does not match", p.Name)
				}
			}
		})
	}
}

func TestAdminNeedsAdminRole(t *testing.T) {
	t.Parallel()
	h := NewAPI(APIOptions{Seed: 1})
	customer, _ := login(t, h, "mallory")
	admin, adminSid := login(t, h, "admin")
	tests := []struct {
		name  string
		creds []credential
		want  int
	}{
		{"anonymous", nil, http.StatusUnauthorized},
		{"customer", []credential{bearer(customer)}, http.StatusForbidden},
		{"admin bearer", []credential{bearer(admin)}, http.StatusOK},
		{"admin cookie", []credential{cookie(adminSid)}, http.StatusOK},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if w := call(t, h, "GET", "/admin/users", "", tt.creds...); w.Code != tt.want {
				t.Fatalf("status %d, want %d", w.Code, tt.want)
			}
		})
	}
}

func TestProfilePrivateFields(t *testing.T) {
	t.Parallel()
	h := NewAPI(APIOptions{Seed: 1})
	alice, _ := login(t, h, "alice")
	admin, _ := login(t, h, "admin")
	tests := []struct {
		name      string
		token     string
		id        string
		wantEmail bool
	}{
		{"own profile", alice, "17", true},
		{"other profile", alice, "42", false},
		{"admin reads any", admin, "42", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := call(t, h, "GET", "/users/"+tt.id, "", bearer(tt.token))
			var p profile
			decodeRecorder(t, w, &p)
			if (p.Email != "") != tt.wantEmail {
				t.Errorf("email %q, want shown=%v", p.Email, tt.wantEmail)
			}
		})
	}
}

func TestCartAndOrders(t *testing.T) {
	t.Parallel()
	h := NewAPI(APIOptions{Seed: 1})
	alice, _ := login(t, h, "alice")
	bob, _ := login(t, h, "bob")
	steps := []struct {
		name         string
		method, path string
		body         string
		token        string
		want         int
	}{
		{"empty cart cannot be ordered", "POST", "/orders", `{"card":"4242424242424242"}`, alice, http.StatusConflict},
		{"unknown product", "POST", "/cart", `{"product_id":5000,"quantity":1}`, alice, http.StatusNotFound},
		{"bad quantity", "POST", "/cart", `{"product_id":5,"quantity":99}`, alice, http.StatusBadRequest},
		{"add", "POST", "/cart", `{"product_id":5,"quantity":2}`, alice, http.StatusOK},
		{"bad card", "POST", "/orders", `{"card":"4242-oops"}`, alice, http.StatusBadRequest},
		{"order", "POST", "/orders", `{"card":"4242 4242 4242 4242"}`, alice, http.StatusCreated},
		{"own order", "GET", "/orders/1001", "", alice, http.StatusOK},
		{"someone else's order", "GET", "/orders/1001", "", bob, http.StatusForbidden},
		{"cart is empty again", "POST", "/orders", `{"card":"4242424242424242"}`, alice, http.StatusConflict},
	}
	for _, s := range steps {
		if w := call(t, h, s.method, s.path, s.body, bearer(s.token)); w.Code != s.want {
			t.Fatalf("%s: status %d, want %d; body %s", s.name, w.Code, s.want, w.Body)
		}
	}
}

func TestSeedIsDeterministic(t *testing.T) {
	t.Parallel()
	a, b, other := NewAPI(APIOptions{Seed: 42}), NewAPI(APIOptions{Seed: 42}), NewAPI(APIOptions{Seed: 43})
	page := func(h http.Handler) string { return call(t, h, "GET", "/products?page=7", "").Body.String() }
	if page(a) != page(b) {
		t.Error("same seed, different catalogs")
	}
	if page(a) == page(other) {
		t.Error("different seeds, same catalog")
	}
	_, sidA := login(t, a, "alice")
	_, sidB := login(t, b, "alice")
	if sidA != sidB {
		t.Errorf("same seed, first session IDs %q and %q", sidA, sidB)
	}
}
