package demo

import (
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"
)

// Bounds on the shop's state. Carts are small by rule, and the oldest orders
// are forgotten, so memory stays flat however long the demo runs.
const (
	maxCartLines = 20
	maxQuantity  = 10
	maxOrders    = 10000
	firstOrderID = 1001
)

// cartLine is one product in a cart or an order.
type cartLine struct {
	ProductID  int `json:"product_id"`
	Quantity   int `json:"quantity"`
	PriceCents int `json:"price_cents"`
}

// cart is the body of GET and POST /cart.
type cart struct {
	Items      []cartLine `json:"items"`
	TotalCents int        `json:"total_cents"`
}

// order is a placed order. Card keeps only the last four digits.
type order struct {
	ID         int        `json:"id"`
	UserID     int        `json:"user_id"`
	Items      []cartLine `json:"items"`
	TotalCents int        `json:"total_cents"`
	Card       string     `json:"card"`
	Status     string     `json:"status"`
	Created    time.Time  `json:"created"`
}

// shop holds the carts and orders of all users.
type shop struct {
	mu     sync.Mutex
	carts  map[int][]cartLine // by user ID
	orders map[int]order
	nextID int
}

func newShop() *shop {
	return &shop{carts: map[int][]cartLine{}, orders: map[int]order{}, nextID: firstOrderID}
}

func total(lines []cartLine) int {
	sum := 0
	for _, l := range lines {
		sum += l.PriceCents * l.Quantity
	}
	return sum
}

func (s *api) getCart(w http.ResponseWriter, _ *http.Request, who principal) {
	s.shop.mu.Lock()
	lines := append([]cartLine{}, s.shop.carts[who.UserID]...)
	s.shop.mu.Unlock()
	writeJSON(w, http.StatusOK, cart{Items: lines, TotalCents: total(lines)})
}

// addToCart adds a quantity of a product; adding a product already in the
// cart raises its quantity, up to maxQuantity.
func (s *api) addToCart(w http.ResponseWriter, r *http.Request, who principal) {
	var in struct {
		ProductID int `json:"product_id"`
		Quantity  int `json:"quantity"`
	}
	if err := decodeBody(w, r, &in); err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	if in.Quantity < 1 || in.Quantity > maxQuantity {
		writeError(w, http.StatusBadRequest, fmt.Sprintf("quantity must be from 1 to %d", maxQuantity))
		return
	}
	p, ok := s.catalog.product(in.ProductID)
	if !ok {
		writeError(w, http.StatusNotFound, "product not found")
		return
	}
	s.shop.mu.Lock()
	defer s.shop.mu.Unlock()
	lines := s.shop.carts[who.UserID]
	found := false
	for i := range lines {
		if lines[i].ProductID == p.ID {
			lines[i].Quantity = min(lines[i].Quantity+in.Quantity, maxQuantity)
			found = true
		}
	}
	if !found {
		if len(lines) >= maxCartLines {
			writeError(w, http.StatusConflict, "cart is full")
			return
		}
		lines = append(lines, cartLine{ProductID: p.ID, Quantity: in.Quantity, PriceCents: p.PriceCents})
	}
	s.shop.carts[who.UserID] = lines
	writeJSON(w, http.StatusOK, cart{Items: append([]cartLine{}, lines...), TotalCents: total(lines)})
}

// placeOrder turns the cart into an order paid with the given card number.
func (s *api) placeOrder(w http.ResponseWriter, r *http.Request, who principal) {
	var in struct {
		Card string `json:"card"`
	}
	if err := decodeBody(w, r, &in); err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	digits := strings.ReplaceAll(in.Card, " ", "")
	if len(digits) < 12 || len(digits) > 19 || strings.IndexFunc(digits, func(c rune) bool { return c < '0' || c > '9' }) >= 0 {
		writeError(w, http.StatusBadRequest, "card must be 12 to 19 digits")
		return
	}
	s.shop.mu.Lock()
	defer s.shop.mu.Unlock()
	lines := s.shop.carts[who.UserID]
	if len(lines) == 0 {
		writeError(w, http.StatusConflict, "cart is empty")
		return
	}
	o := order{
		ID:         s.shop.nextID,
		UserID:     who.UserID,
		Items:      lines,
		TotalCents: total(lines),
		Card:       "**** " + digits[len(digits)-4:],
		Status:     "paid",
		Created:    time.Now().UTC(),
	}
	s.shop.orders[o.ID] = o
	delete(s.shop.orders, o.ID-maxOrders)
	delete(s.shop.carts, who.UserID)
	s.shop.nextID++
	writeJSON(w, http.StatusCreated, o)
}

// getOrder shows an order to its owner and to administrators; others get 403,
// which tells an enumerator the order exists, as many real APIs do.
func (s *api) getOrder(w http.ResponseWriter, r *http.Request, who principal) {
	id, ok := pathID(w, r)
	if !ok {
		return
	}
	s.shop.mu.Lock()
	o, ok := s.shop.orders[id]
	s.shop.mu.Unlock()
	switch {
	case !ok:
		writeError(w, http.StatusNotFound, "order not found")
	case o.UserID != who.UserID && who.Role != roleAdmin:
		writeError(w, http.StatusForbidden, "not your order")
	default:
		writeJSON(w, http.StatusOK, o)
	}
}
