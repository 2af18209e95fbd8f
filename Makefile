# The two set-up commands README gives: `sudo make demo` and `sudo make test`.
GO ?= go
export PATH := /usr/local/go/bin:$(PATH)

.PHONY: deps demo test lint build packages storm bench

# The test tools; `make demo` installs only the demo's (.ci/deps demo).
deps:
	bash .ci/deps test

build:
	$(GO) build -o provbox ./cmd/provbox

# The lab is its own command (cmd/provbox-lab), so the daemon ships no
# emulator or attacker code; it runs the provbox built beside it.
# Flags: make demo DEMO_FLAGS='--break lock'.
DEMO_FLAGS ?=
demo:
	bash .ci/deps demo
	@set -e; d=$$(mktemp -d); trap 'rm -rf "$$d"' EXIT; \
	$(GO) build -o "$$d/" ./cmd/provbox ./cmd/provbox-lab; \
	"$$d/provbox-lab" $(DEMO_FLAGS)

# Boot storm: 1,000 emulated phones power on at once; exits 1 unless all
# are provisioned within the goal (3 s). README, "Boot storm".
# Flags: make storm STORM_FLAGS='--phones 500 --bootstrap tftp'.
STORM_FLAGS ?= --phones 1000
storm:
	bash .ci/deps demo
	@set -e; d=$$(mktemp -d); trap 'rm -rf "$$d"' EXIT; \
	$(GO) build -o "$$d/" ./cmd/provbox ./cmd/provbox-lab; \
	"$$d/provbox-lab" $(STORM_FLAGS)

# provbox against nginx (HTTP), dnsmasq (TFTP) and Kea (DHCP, via
# cmd/dhcpbench) in one run: installs the missing peers, builds its own
# namespaces, prints the README's performance table. Root.
# Flags: make bench BENCH_FLAGS='-rounds 5 -no-dhcp'.
BENCH_FLAGS ?=
bench:
	$(GO) run ./cmd/provbench $(BENCH_FLAGS)

lint:
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...

test: deps lint
	$(GO) test -race -count=1 -timeout 40m ./...

# --- packages (owned by packaging/; see packaging/README.md) ---------------
# `make packages` builds dist/provbox_<ver>_<arch>.deb and
# dist/provbox-<ver>.<rpmarch>.rpm with nfpm, run from the Go module proxy
# (not a go.mod dependency). VERSION defaults to packaging/version.sh's
# reading of `git describe --tags`; DIST and PKG_ARCH can be overridden.
NFPM ?= $(GO) run github.com/goreleaser/nfpm/v2/cmd/nfpm@v2.45.2
DIST ?= dist
VERSION ?= $(shell sh packaging/version.sh)
PKG_ARCH ?= $(shell $(GO) env GOARCH)
SOURCE_DATE_EPOCH ?= $(shell git log -1 --format=%ct 2>/dev/null || echo 0)

packages:
	@set -e; v='$(VERSION)'; a='$(PKG_ARCH)'; \
	case "$$a" in amd64) r=x86_64;; arm64) r=aarch64;; 386) r=i386;; *) r=$$a;; esac; \
	mkdir -p '$(DIST)/pkgroot'; \
	echo "building provbox $$v for $$a"; \
	CGO_ENABLED=0 GOOS=linux GOARCH=$$a $(GO) build -trimpath \
		-ldflags "-s -w -X main.version=$$v" -o '$(DIST)/pkgroot/provbox' ./cmd/provbox; \
	export PROVBOX_VERSION="$$v" PROVBOX_ARCH="$$a" PROVBOX_BIN='$(DIST)/pkgroot/provbox' \
		SOURCE_DATE_EPOCH='$(SOURCE_DATE_EPOCH)'; \
	$(NFPM) package -f packaging/nfpm.yaml -p deb -t "$(DIST)/provbox_$${v}_$$a.deb"; \
	$(NFPM) package -f packaging/nfpm.yaml -p rpm -t "$(DIST)/provbox-$$v.$$r.rpm"
