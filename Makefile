# Kreishaus: the two commands are `make run` and `make test` (see README.md).
SHELL := /bin/bash
SWIFT ?= swift
CONFIG ?= Config/kreishaus.yaml

.PHONY: run test build release deps bench clean

## Install what is missing, build a release binary and start the daemon in the foreground.
run: deps release
	.build/release/kreishausd serve --config $(CONFIG)

## Install what is missing, build and run the whole test suite.
test: deps
	$(SWIFT) build
	$(SWIFT) test --disable-xctest

deps:
	@scripts/install-deps.sh

build: deps
	$(SWIFT) build

release: deps
	$(SWIFT) build -c release --product kreishausd

## Benchmarks: /healthz against a minimal C libmicrohttpd server (needs wrk).
bench: deps
	@scripts/install-deps.sh wrk gcc python3 python3-sklearn curl
	$(SWIFT) build -c release --product kreishausd
	bench/healthz.sh
	bench/chatbot.sh
	bench/public_benchmarks.sh

clean:
	rm -rf .build bench/out
