# The two set-up commands README gives: `sudo make demo` and `sudo make test`.
GO ?= go
export PATH := /usr/local/go/bin:$(PATH)

.PHONY: deps demo test lint build packages

deps:
	bash .ci/deps

build:
	$(GO) build -o provbox ./cmd/provbox

demo: deps
	$(GO) run ./cmd/provbox demo

lint:
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...

test: deps lint
	$(GO) test -race -count=1 -timeout 40m ./...
