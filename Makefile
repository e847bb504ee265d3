# spoor — run `make help` for the targets.

GO        ?= go
BIN       := bin/spoor
PKGS      := ./...
# FUZZTIME is a count of executions per target, not a duration: with a
# duration, Go 1.26's fuzzing coordinator can fail a target with "context
# deadline exceeded" at the deadline (go.dev/issue/75804, fixed in Go 1.27).
FUZZTIME  ?= 20000x
STATICCHECK_VERSION := v0.8.2

.DEFAULT_GOAL := help

.PHONY: help
help: ## Show this help.
	@awk 'BEGIN {FS = ":.*## "} /^[a-zA-Z_-]+:.*## / {printf "  \033[36m%-12s\033[0m %s\n", $$1, $$2}' $(MAKEFILE_LIST)

.PHONY: build
build: ## Build bin/spoor.
	$(GO) build -o $(BIN) ./cmd/spoor

.PHONY: demo
demo: build ## Run the demo API, simulated actors, proxy and TUI.
	./$(BIN) demo

.PHONY: test
test: ## Run vet and every test with the race detector.
	$(GO) vet $(PKGS)
	$(GO) test -race -count=1 -timeout 30m $(PKGS)

.PHONY: fuzz
fuzz: ## Run every fuzz target for FUZZTIME (default 20000 executions) each.
	@set -e; for pkg in $$($(GO) list $(PKGS)); do \
	  for target in $$($(GO) test -list '^Fuzz' $$pkg | grep '^Fuzz' || true); do \
	    echo "fuzz $$pkg $$target"; \
	    $(GO) test -run='^$$' -fuzz="^$$target$$" -fuzztime=$(FUZZTIME) -fuzzminimizetime=2s $$pkg; \
	  done; \
	done

.PHONY: lint
lint: ## Check formatting, vet and staticcheck.
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || { gofmt -l $$(git ls-files '*.go'); echo "gofmt: files above need formatting"; exit 1; }
	$(GO) vet $(PKGS)
	$(GO) run honnef.co/go/tools/cmd/staticcheck@$(STATICCHECK_VERSION) $(PKGS)

.PHONY: fmt
fmt: ## Format the code.
	gofmt -w $$(git ls-files '*.go')

.PHONY: eval
eval: ## Check importers, GraphQL and MCP on ../shared/corpora (SPOOR_CORPORA overrides), measure attack tagging and abuse verdicts; fails below the floors.
	$(GO) run ./cmd/spoor-corpus-check
	$(GO) run ./cmd/spoor-eval
	$(GO) run ./cmd/spoor-abuse-eval

.PHONY: bench
bench: ## Micro-benchmarks and spoor against nginx, mitmproxy and GoAccess (~15 min, installs them); writes BENCHMARKS.md.
	bench/run.sh

.PHONY: bench-smoke
bench-smoke: ## Run every benchmark harness for about a second (CI).
	SMOKE=1 bench/run.sh

.PHONY: abuse-eval
abuse-eval: ## Score the access-log corpus for bots and abuse (SPOOR_CORPORA overrides ../shared/corpora).
	$(GO) run ./cmd/spoor-abuse-eval

.PHONY: clean
clean: ## Remove build output.
	rm -rf bin
