package demo

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// Issuer is the iss claim of every token the demo API mints; spoor's
// built-in key req.jwt.sub+req.jwt.iss groups bearer traffic by it.
const Issuer = "https://demo.spoor.local"

// Token and session lifetimes. Sessions outlive tokens so that a cookie user
// who lingers is not logged out mid-visit.
const (
	tokenTTL   = time.Hour
	sessionTTL = 2 * time.Hour
	sidCookie  = "sid"
)

// Roles carried in the role claim and in server-side sessions.
const (
	roleCustomer = "customer"
	roleAdmin    = "admin"
)

// errUnauthenticated is returned when a request carries no usable credential.
var errUnauthenticated = errors.New("authentication required")

// account is a user who can log in. The passwords are public on purpose: the
// simulated actors use them, and anyone reading the demo may too.
type account struct {
	Username string
	Password string
	UserID   int
	Role     string
}

// accounts lists the users who can log in, each owning the profile with
// their UserID.
func accounts() []account {
	return []account{
		{"admin", "admin-demo-2026", 1, roleAdmin},
		{"alice", "alice-wonder-1", 17, roleCustomer},
		{"bob", "bob-builder-2", 42, roleCustomer},
		{"carol", "carol-singer-3", 73, roleCustomer},
		{"dave", "dave-diver-4", 101, roleCustomer},
		{"erin", "erin-runner-5", 150, roleCustomer},
		{"frank", "frank-baker-6", 233, roleCustomer},
		{"mallory", "mallory-maker-7", 311, roleCustomer},
	}
}

// findAccount returns the account with the given user name.
func findAccount(username string) (account, bool) {
	for _, a := range accounts() {
		if a.Username == username {
			return a, true
		}
	}
	return account{}, false
}

// principal is the authenticated caller of a request.
type principal struct {
	UserID   int
	Username string
	Role     string
}

// claims are the JWT claims the API mints and accepts.
type claims struct {
	Name string `json:"name"`
	Role string `json:"role"`
	jwt.RegisteredClaims
}

// session is a server-side cookie session.
type session struct {
	who     principal
	expires time.Time
}

// authority mints and checks credentials: HS256 tokens, which need no state,
// and session cookies, which live in a map.
type authority struct {
	secret []byte

	mu       sync.Mutex
	ids      *rand.ChaCha8 // deterministic per seed, yet unguessable without it
	sessions map[string]session
}

func newAuthority(seed int64, secret []byte) *authority {
	var idSeed [32]byte
	copy(idSeed[:], fmt.Sprintf("spoor-demo-ids-%d", seed))
	if len(secret) == 0 {
		sum := sha256.Sum256(fmt.Appendf(nil, "spoor-demo-secret-%d", seed))
		secret = sum[:]
	}
	return &authority{secret: secret, ids: rand.NewChaCha8(idSeed), sessions: map[string]session{}}
}

// newID returns 128 random bits in hex, for session IDs and token IDs.
func (a *authority) newID() string {
	var b [16]byte
	a.mu.Lock()
	_, _ = a.ids.Read(b[:]) // ChaCha8.Read never fails
	a.mu.Unlock()
	return hex.EncodeToString(b[:])
}

// startSession opens a cookie session and drops the expired ones, which keeps
// the map bounded however long the demo runs.
func (a *authority) startSession(who principal, now time.Time) string {
	sid := a.newID()
	a.mu.Lock()
	defer a.mu.Unlock()
	for id, s := range a.sessions {
		if now.After(s.expires) {
			delete(a.sessions, id)
		}
	}
	a.sessions[sid] = session{who: who, expires: now.Add(sessionTTL)}
	return sid
}

func (a *authority) endSession(sid string) {
	a.mu.Lock()
	delete(a.sessions, sid)
	a.mu.Unlock()
}

func (a *authority) mint(who principal, now time.Time) (string, error) {
	c := claims{
		Name: who.Username,
		Role: who.Role,
		RegisteredClaims: jwt.RegisteredClaims{
			Subject:   strconv.Itoa(who.UserID),
			Issuer:    Issuer,
			IssuedAt:  jwt.NewNumericDate(now),
			ExpiresAt: jwt.NewNumericDate(now.Add(tokenTTL)),
			ID:        a.newID(),
		},
	}
	tok, err := jwt.NewWithClaims(jwt.SigningMethodHS256, c).SignedString(a.secret)
	if err != nil {
		return "", fmt.Errorf("sign token for %s: %w", who.Username, err)
	}
	return tok, nil
}

// verify checks a bearer token. Only HS256 is accepted, so a token signed
// with "none" or a public key is refused rather than trusted.
func (a *authority) verify(token string) (principal, error) {
	var c claims
	_, err := jwt.ParseWithClaims(token, &c, func(*jwt.Token) (any, error) { return a.secret, nil },
		jwt.WithValidMethods([]string{jwt.SigningMethodHS256.Alg()}),
		jwt.WithIssuer(Issuer),
		jwt.WithExpirationRequired(),
	)
	if err != nil {
		return principal{}, fmt.Errorf("verify token: %w", err)
	}
	id, err := strconv.Atoi(c.Subject)
	if err != nil || id < 1 || id > profileCount {
		return principal{}, fmt.Errorf("verify token: subject %q is not a user", c.Subject)
	}
	return principal{UserID: id, Username: c.Name, Role: c.Role}, nil
}

// authenticate accepts the sid cookie or a bearer token. A cookie that names
// no live session falls through to the bearer, as a browser may carry a
// stale cookie next to a fresh token.
func (a *authority) authenticate(r *http.Request, now time.Time) (principal, error) {
	if c, err := r.Cookie(sidCookie); err == nil {
		a.mu.Lock()
		s, ok := a.sessions[c.Value]
		a.mu.Unlock()
		if ok && now.Before(s.expires) {
			return s.who, nil
		}
	}
	auth := r.Header.Get("Authorization")
	if len(auth) < 7 || !strings.EqualFold(auth[:7], "bearer ") {
		return principal{}, errUnauthenticated
	}
	return a.verify(strings.TrimSpace(auth[7:]))
}

// credentials is the body of POST /login.
type credentials struct {
	Username string `json:"username"`
	Password string `json:"password"`
}

// loginReply is the body of a successful POST /login.
type loginReply struct {
	Token     string `json:"token"`
	TokenType string `json:"token_type"`
	ExpiresIn int    `json:"expires_in"`
	User      struct {
		ID       int    `json:"id"`
		Username string `json:"username"`
		Role     string `json:"role"`
	} `json:"user"`
}

// login answers with both a token and a session cookie, so that a browser
// and a mobile app can share one endpoint and each keep what it needs.
func (s *api) login(w http.ResponseWriter, r *http.Request) {
	var in credentials
	if err := decodeBody(w, r, &in); err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	if in.Username == "" || in.Password == "" || len(in.Username) > 128 || len(in.Password) > 128 {
		writeError(w, http.StatusBadRequest, "username and password are required, at most 128 bytes each")
		return
	}
	acc, ok := findAccount(in.Username)
	// A constant-time comparison, because a demo of an API-security tool
	// should not itself teach a timing leak.
	if !ok || subtle.ConstantTimeCompare([]byte(acc.Password), []byte(in.Password)) != 1 {
		writeError(w, http.StatusUnauthorized, "invalid username or password")
		return
	}
	who := principal{UserID: acc.UserID, Username: acc.Username, Role: acc.Role}
	now := time.Now()
	tok, err := s.auth.mint(who, now)
	if err != nil {
		writeError(w, http.StatusInternalServerError, "cannot issue a token")
		return
	}
	http.SetCookie(w, &http.Cookie{
		Name:     sidCookie,
		Value:    s.auth.startSession(who, now),
		Path:     "/",
		MaxAge:   int(sessionTTL / time.Second),
		HttpOnly: true,
		SameSite: http.SameSiteLaxMode,
	})
	out := loginReply{Token: tok, TokenType: "Bearer", ExpiresIn: int(tokenTTL / time.Second)}
	out.User.ID, out.User.Username, out.User.Role = who.UserID, who.Username, who.Role
	writeJSON(w, http.StatusOK, out)
}

// logout ends the cookie session if there is one. Tokens are stateless and
// simply expire, as with most JWT deployments.
func (s *api) logout(w http.ResponseWriter, r *http.Request) {
	if c, err := r.Cookie(sidCookie); err == nil {
		s.auth.endSession(c.Value)
		http.SetCookie(w, &http.Cookie{Name: sidCookie, Value: "", Path: "/", MaxAge: -1, HttpOnly: true})
	}
	w.WriteHeader(http.StatusNoContent)
}

// authed wraps a handler that needs a signed-in caller.
func (s *api) authed(h func(http.ResponseWriter, *http.Request, principal)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		who, err := s.auth.authenticate(r, time.Now())
		if err != nil {
			w.Header().Set("WWW-Authenticate", `Bearer realm="demo"`)
			writeError(w, http.StatusUnauthorized, "authentication required")
			return
		}
		h(w, r, who)
	}
}
