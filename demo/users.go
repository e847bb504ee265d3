package demo

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"time"
)

// How people use the shop, at Speed 1.
const (
	// A browser user comes back every half minute or so, an app user more
	// often, as apps refresh in the background.
	browserGapMin = 10 * time.Second
	browserGapMax = 40 * time.Second
	appGapMin     = 5 * time.Second
	appGapMax     = 20 * time.Second
	// typoChance is how often a person mistypes the password first.
	typoChance = 0.1
	// orderChance is how often a visit ends in an order.
	orderChance = 0.4
	// testCard is the card everyone pays with; the API keeps its last four
	// digits only.
	testCard = "4242 4242 4242 4242"
)

// cookieVisit is a browser visit: log in, keep only the sid cookie, shop,
// log out. Every visit gets a fresh session cookie, as after a real logout.
func (a *agent) cookieVisit(ctx context.Context) error {
	acc, ok := findAccount(a.Account)
	if !ok {
		return fmt.Errorf("cookie user %s: no account %q", a.Name, a.Account)
	}
	if a.rng.Float64() < typoChance {
		// The failed attempt is part of a real user's session, and a
		// useful contrast to the stuffer's hundreds.
		if _, err := a.next(ctx, http.MethodPost, "/login", credentials{acc.Username, acc.Password + "1"}); err != nil {
			return err
		}
	}
	r, err := a.next(ctx, http.MethodPost, "/login", credentials{acc.Username, acc.Password})
	if err != nil {
		return err
	}
	if r.status != http.StatusOK {
		return fmt.Errorf("login as %s: status %d", acc.Username, r.status)
	}
	for _, c := range r.cookies {
		if c.Name == sidCookie {
			a.sid = c.Value
		}
	}
	if a.sid == "" {
		return fmt.Errorf("login as %s: no %s cookie in the reply", acc.Username, sidCookie)
	}
	err = a.shop(ctx, acc.UserID)
	if err == nil {
		_, err = a.next(ctx, http.MethodPost, "/logout", nil)
	}
	a.sid = ""
	if err != nil {
		return err
	}
	return a.pace.wait(ctx, browserGapMin, browserGapMax)
}

// appVisit is a mobile-app session: the app logs in once, keeps the bearer
// token and sends only it, and logs in again when the API refuses it.
func (a *agent) appVisit(ctx context.Context) error {
	acc, ok := findAccount(a.Account)
	if !ok {
		return fmt.Errorf("app user %s: no account %q", a.Name, a.Account)
	}
	if a.token == "" {
		if err := a.loginForToken(ctx, acc); err != nil {
			return err
		}
	}
	// On opening, the app reads the profile from GET /account as its
	// first versions did, though the spec deprecates it: the endpoint is
	// the zombie of spoor's inventory.
	if _, err := a.nextAuthed(ctx, http.MethodGet, "/account", nil); err != nil {
		return err
	}
	if err := a.shop(ctx, acc.UserID); err != nil {
		return err
	}
	return a.pace.wait(ctx, appGapMin, appGapMax)
}

// loginForToken logs in and keeps the bearer token of the reply, ignoring
// its Set-Cookie as an app or a script does.
func (a *agent) loginForToken(ctx context.Context, acc account) error {
	r, err := a.next(ctx, http.MethodPost, "/login", credentials{acc.Username, acc.Password})
	if err != nil {
		return err
	}
	if r.status != http.StatusOK {
		return fmt.Errorf("login as %s: status %d", acc.Username, r.status)
	}
	var out loginReply
	if err := r.decode(&out); err != nil {
		return fmt.Errorf("login as %s: %w", acc.Username, err)
	}
	if out.Token == "" {
		return fmt.Errorf("login as %s: no token in the reply", acc.Username)
	}
	a.token = out.Token
	return nil
}

// shop is what a signed-in person does: page through the catalog, search,
// look at a few products, fill the cart, sometimes order, check the profile.
func (a *agent) shop(ctx context.Context, userID int) error {
	pages := productCount / defaultPageSize
	for range 1 + a.rng.IntN(3) {
		if _, err := a.nextAuthed(ctx, http.MethodGet, productsTarget(1+a.rng.IntN(pages)), nil); err != nil {
			return err
		}
	}
	nouns := productNouns()
	q := url.Values{"q": {nouns[a.rng.IntN(len(nouns))]}}
	if _, err := a.nextAuthed(ctx, http.MethodGet, "/search?"+q.Encode(), nil); err != nil {
		return err
	}
	var chosen int
	for range 2 + a.rng.IntN(3) {
		chosen = 1 + a.rng.IntN(productCount)
		if _, err := a.nextAuthed(ctx, http.MethodGet, "/products/"+strconv.Itoa(chosen), nil); err != nil {
			return err
		}
	}
	line := map[string]int{"product_id": chosen, "quantity": 1 + a.rng.IntN(3)}
	if _, err := a.nextAuthed(ctx, http.MethodPost, "/cart", line); err != nil {
		return err
	}
	if _, err := a.nextAuthed(ctx, http.MethodGet, "/cart", nil); err != nil {
		return err
	}
	if a.rng.Float64() < orderChance {
		if err := a.order(ctx); err != nil {
			return err
		}
	}
	_, err := a.nextAuthed(ctx, http.MethodGet, "/users/"+strconv.Itoa(userID), nil)
	return err
}

// order pays for the cart and looks at the order, as a person checks the
// confirmation page.
func (a *agent) order(ctx context.Context) error {
	r, err := a.nextAuthed(ctx, http.MethodPost, "/orders", map[string]string{"card": testCard})
	if err != nil || r.status != http.StatusCreated {
		return err
	}
	var o struct {
		ID int `json:"id"`
	}
	if err := r.decode(&o); err != nil {
		return fmt.Errorf("order as %s: %w", a.Name, err)
	}
	_, err = a.nextAuthed(ctx, http.MethodGet, "/orders/"+strconv.Itoa(o.ID), nil)
	return err
}

// nextAuthed is next for a request that needs the actor's credential: a 401
// means the credential is gone, and the round stops so that the actor logs
// in again.
func (a *agent) nextAuthed(ctx context.Context, method, target string, body any) (reply, error) {
	r, err := a.next(ctx, method, target, body)
	if err == nil && r.status == http.StatusUnauthorized {
		err = fmt.Errorf("%s %s as %s: %w", method, target, a.Name, errUnauthenticated)
	}
	return r, err
}

// productsTarget is the listing page as browsers and scrapers request it.
func productsTarget(page int) string {
	return "/products?" + url.Values{"page": {strconv.Itoa(page)}}.Encode()
}
