package demo

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"time"
)

// How the storefront's visitors use the GraphQL API, at Speed 1: a person
// browses the single-page shop, whose client sends one operation per screen,
// reads for a few seconds, and now and then reviews a product.
const (
	gqlReadMin   = time.Second
	gqlReadMax   = 4 * time.Second
	reviewChance = 0.3
)

// The storefront's operations, as a GraphQL client library sends them:
// named, with variables, the same text every time.
const (
	gqlCategories = `query Categories { categories }`
	gqlProducts   = `query Products($page: Int) { products(page: $page, size: 12) { page pages items { id name priceCents } } }`
	gqlSearch     = `query Search($q: String!) { search(q: $q) { id name category priceCents } }`
	gqlProduct    = `query Product($id: ID!) { product(id: $id) { __typename id name description priceCents stock } }`
	gqlReview     = `mutation CreateReview($productId: ID!, $rating: Int!, $text: String) { createReview(productId: $productId, rating: $rating, text: $text) { id rating } }`
)

// storefrontVisit is one visit of the GraphQL client: the category menu
// (a cacheable GET), a listing page, a search, a few products, sometimes a
// review.
func (a *agent) storefrontVisit(ctx context.Context) error {
	menu := "/graphql?" + url.Values{"query": {gqlCategories}, "operationName": {"Categories"}}.Encode()
	if err := a.graphQL(ctx, http.MethodGet, menu, nil); err != nil {
		return err
	}
	pages := productCount / 12
	if err := a.graphQL(ctx, http.MethodPost, "/graphql", &graphQLRequest{Query: gqlProducts, OperationName: "Products",
		Variables: map[string]any{"page": 1 + a.rng.IntN(pages)}}); err != nil {
		return err
	}
	nouns := productNouns()
	if err := a.graphQL(ctx, http.MethodPost, "/graphql", &graphQLRequest{Query: gqlSearch, OperationName: "Search",
		Variables: map[string]any{"q": nouns[a.rng.IntN(len(nouns))]}}); err != nil {
		return err
	}
	var id int
	for range 1 + a.rng.IntN(3) {
		id = 1 + a.rng.IntN(productCount)
		if err := a.graphQL(ctx, http.MethodPost, "/graphql", &graphQLRequest{Query: gqlProduct, OperationName: "Product",
			Variables: map[string]any{"id": strconv.Itoa(id)}}); err != nil {
			return err
		}
	}
	if a.rng.Float64() < reviewChance {
		if err := a.graphQL(ctx, http.MethodPost, "/graphql", &graphQLRequest{Query: gqlReview, OperationName: "CreateReview",
			Variables: map[string]any{"productId": strconv.Itoa(id), "rating": 3 + a.rng.IntN(3), "text": "Does what it says."}}); err != nil {
			return err
		}
	}
	return a.pace.wait(ctx, browserGapMin, browserGapMax)
}

// graphQL sends one operation after the visitor's reading time: req as the
// JSON body of a POST, or nothing for a GET whose target holds the query.
// An answer other than 200 is an error, as the storefront only sends valid
// operations.
func (a *agent) graphQL(ctx context.Context, method, target string, req *graphQLRequest) error {
	if err := a.pace.wait(ctx, gqlReadMin, gqlReadMax); err != nil {
		return err
	}
	var body any
	if req != nil {
		body = req
	}
	r, err := a.send(ctx, method, target, body)
	if err != nil {
		return err
	}
	if r.status != http.StatusOK {
		return fmt.Errorf("graphql %s %s as %s: status %d", method, target, a.Name, r.status)
	}
	return nil
}
