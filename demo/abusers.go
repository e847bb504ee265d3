package demo

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// How the tools behave between passes, at Speed 1.
const (
	// scanRest is the scanner's pause before it starts its list again.
	scanRestMin = 2 * time.Second
	scanRestMax = 5 * time.Second
	// stuffBatch is how many guesses the stuffer sends before a short rest,
	// as stuffing tools work through a combo list in chunks.
	stuffBatch   = 50
	stuffRestMin = time.Second
	stuffRestMax = 3 * time.Second
	// The scraper rests after each full pass over the catalog.
	scrapeRestMin = 5 * time.Second
	scrapeRestMax = 10 * time.Second
	// enumerateTo runs past the last profile, so that the walk ends in the
	// run of 404s that gives enumeration away.
	enumerateTo      = profileCount + 20
	enumerateRestMin = 3 * time.Second
	enumerateRestMax = 6 * time.Second
)

// scan sends the scanner's probes in order, without logging in.
func (a *agent) scan(ctx context.Context) error {
	for _, p := range probes() {
		if _, err := a.next(ctx, p.method, p.target, p.body); err != nil {
			return err
		}
	}
	return a.pace.wait(ctx, scanRestMin, scanRestMax)
}

// stuff tries one batch of credentials. It keeps no cookie and no token,
// even from the one guess that works, because stuffing tools only record
// hits for later.
func (a *agent) stuff(ctx context.Context) error {
	hit := a.rng.IntN(stuffBatch)
	for i := range stuffBatch {
		guess := a.guess()
		if i == hit {
			guess = leakedCredentials()
		}
		if _, err := a.next(ctx, http.MethodPost, "/login", guess); err != nil {
			return err
		}
	}
	return a.pace.wait(ctx, stuffRestMin, stuffRestMax)
}

// guess draws a credential from a combo list: invented user names and
// e-mail addresses, now and then a real user name, each with a common
// password.
func (a *agent) guess() credentials {
	first, last, passwords := firstNames(), lastNames(), commonPasswords()
	f, l := first[a.rng.IntN(len(first))], last[a.rng.IntN(len(last))]
	var user string
	switch a.rng.IntN(5) {
	case 0:
		user = fmt.Sprintf("%s.%s", f, l)
	case 1:
		user = fmt.Sprintf("%s%s%d", f, l, 1960+a.rng.IntN(50))
	case 2:
		user = fmt.Sprintf("%s.%s@mail.example", f, l)
	case 3:
		user = fmt.Sprintf("%c%s", f[0], l)
	default:
		accs := accounts()
		user = accs[a.rng.IntN(len(accs))].Username
	}
	return credentials{Username: strings.ToLower(user), Password: passwords[a.rng.IntN(len(passwords))]}
}

// scrape walks every listing page and every product on it, reading the IDs
// from the listing as a crawler follows links.
func (a *agent) scrape(ctx context.Context) error {
	for page := 1; page <= productCount/defaultPageSize; page++ {
		r, err := a.next(ctx, http.MethodGet, productsTarget(page), nil)
		if err != nil {
			return err
		}
		if r.status != http.StatusOK {
			return fmt.Errorf("scrape page %d: status %d", page, r.status)
		}
		var listing productPage
		if err := r.decode(&listing); err != nil {
			return fmt.Errorf("scrape page %d: %w", page, err)
		}
		for _, p := range listing.Items {
			if _, err := a.next(ctx, http.MethodGet, "/products/"+strconv.Itoa(p.ID), nil); err != nil {
				return err
			}
		}
	}
	return a.pace.wait(ctx, scrapeRestMin, scrapeRestMax)
}

// enumerate logs in once as an ordinary user, tries the admin listing, and
// then reads every profile ID in turn with its bearer token.
func (a *agent) enumerate(ctx context.Context) error {
	if a.token == "" {
		acc, ok := findAccount(a.Account)
		if !ok {
			return fmt.Errorf("enumerator %s: no account %q", a.Name, a.Account)
		}
		if err := a.loginForToken(ctx, acc); err != nil {
			return err
		}
		if _, err := a.nextAuthed(ctx, http.MethodGet, "/admin/users", nil); err != nil {
			return err
		}
	}
	for id := 1; id <= enumerateTo; id++ {
		if _, err := a.nextAuthed(ctx, http.MethodGet, "/users/"+strconv.Itoa(id), nil); err != nil {
			return err
		}
	}
	return a.pace.wait(ctx, enumerateRestMin, enumerateRestMax)
}
