# tillpair — see README.md. `make test` is what CI runs.
GO       ?= go
BIN      ?= bin/tillpair
VERSION  ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS  := -s -w -X main.version=$(VERSION)
FUZZTIME ?= 30s

.PHONY: all build run test unit race golden-update keyring e2e e2e-metrics fuzz bench demo pictures cross vet clean reliability

all: build

build:
	$(GO) build -trimpath -ldflags '$(LDFLAGS)' -o $(BIN) .

run:
	$(GO) run . $(ARGS)

## test: every suite (vet, unit, race, golden, real keyring, cross builds, e2e)
test:
	@scripts/test.sh

vet:
	$(GO) vet ./...

unit:
	$(GO) test -count=1 ./...

race:
	$(GO) test -race -count=1 ./...

## golden-update: regenerate golden files; read every diff before committing
golden-update:
	$(GO) test -count=1 ./ui/ ./internal/certify/demo/ -update
	git --no-pager diff --stat -- '*.golden'

keyring:
	scripts/with-keyring.sh env TILLPAIR_KEYRING_REAL=1 $(GO) test -race -count=1 -run Real ./...

e2e: build
	scripts/e2e.sh $(BIN)
	scripts/cli-walkthrough.sh $(BIN)
	scripts/curl-walkthrough.sh $(BIN)

## e2e-metrics: fleet health through a real node_exporter and promtool (docs/fleet-health.md)
e2e-metrics: build
	scripts/e2e-metrics.sh $(BIN)

## fuzz: run every fuzz target for FUZZTIME each
fuzz:
	scripts/fuzz.sh $(FUZZTIME)

## reliability: the reliability suite with -race, printing the fault matrix
## of docs/RELIABILITY.md (RELIABILITY_COUNT=3 for the doc's figures)
reliability:
	scripts/reliability.sh

## bench: Go benchmarks plus the start-up/memory script; see BENCHMARKS.md
bench:
	scripts/bench.sh

## demo: the README's pictures: the stills (pictures) and the GIF from a real
## xterm (Xvfb + xterm + tmux)
demo: pictures
	scripts/demo.sh $(BIN)

## pictures: the README's stills (docs/img/pictures.list) from SCI's
## scenarios at 120x40 and 80x24, each drawn by a real xterm (Xvfb) with
## its text capture beside it; TestREADMEPicturesMatchTheApp checks them
pictures: build
	scripts/pictures.sh $(BIN)

cross:
	GOOS=windows GOARCH=amd64 CGO_ENABLED=0 $(GO) build -o /dev/null .
	GOOS=darwin GOARCH=arm64 CGO_ENABLED=0 $(GO) build -o /dev/null .
	GOOS=linux GOARCH=arm64 CGO_ENABLED=0 $(GO) build -o /dev/null .

clean:
	rm -rf bin dist
