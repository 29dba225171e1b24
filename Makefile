# Tabula: the two commands a fresh Debian machine needs are `make demo` and `make test`.
CARGO ?= cargo
export CARGO_TERM_COLOR ?= never

.PHONY: build test demo bench lint doc fmt

build:
	$(CARGO) build --workspace --release

test:
	$(CARGO) test --workspace --all-targets --no-fail-fast -- --test-threads=4

lint:
	$(CARGO) fmt --all -- --check
	$(CARGO) clippy --workspace --all-targets -- -D warnings

doc:
	RUSTDOCFLAGS="-D warnings" $(CARGO) doc --workspace --no-deps

fmt:
	$(CARGO) fmt --all

demo: build
	scripts/demo.sh

bench:
	$(CARGO) build --release -p tabula
	scripts/bench.sh
