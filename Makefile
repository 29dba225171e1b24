# Tabula: the two commands a fresh Debian machine needs are `make demo` and `make test`.
CARGO ?= cargo
export CARGO_TERM_COLOR ?= never

.PHONY: build test check demo bench bench-registry lint doc fmt msrv deny

build:
	$(CARGO) build --workspace --release

# Every test: unit, integration and binary tests (--all-targets), then the doctests, which
# --all-targets does not run, then the minimum-Rust-version check (see msrv below), then the live
# image booted in QEMU with every kind of disk (image/test.sh; it builds the ISO around the debug
# binary just built when the ISO is missing or older).
test:
	$(CARGO) test --workspace --all-targets --no-fail-fast -- --test-threads=4
	$(CARGO) test --workspace --doc --no-fail-fast
	CARGO=$(CARGO) scripts/msrv.sh
	TABULA_BIN=$(CURDIR)/target/debug/tabula image/test.sh

# The fast loop while editing: formatting, clippy with warnings denied, and the unit tests of the
# libraries and binaries (no integration tests, no doctests: `make test` runs those).
check:
	$(CARGO) fmt --all -- --check
	$(CARGO) clippy --workspace --all-targets -- -D warnings
	$(CARGO) test --workspace --lib --bins

lint:
	$(CARGO) fmt --all -- --check
	$(CARGO) clippy --workspace --all-targets -- -D warnings

doc:
	RUSTDOCFLAGS="-D warnings" $(CARGO) doc --workspace --no-deps

fmt:
	$(CARGO) fmt --all

# Minimum supported Rust version (scripts/msrv.sh). Always: every crate declares the workspace's
# rust-version and no locked dependency declares a newer one (cargo metadata, no build). Only when
# rustup has that toolchain (or MSRV_INSTALL=1 lets it install one): cargo check of the whole
# workspace with it. Without the toolchain the build step is skipped, and the script says so.
msrv:
	CARGO=$(CARGO) scripts/msrv.sh

# Licences, banned/duplicate crates and sources with cargo-deny (deny.toml), offline. Advisories
# need the RustSec database from GitHub: `cargo deny check advisories` where the network allows.
# Not part of `make test`: installing cargo-deny compiles it (minutes on a small machine).
deny:
	command -v cargo-deny >/dev/null || $(CARGO) install cargo-deny --locked
	$(CARGO) deny --offline check licenses bans sources

demo: build
	scripts/demo.sh

bench:
	$(CARGO) build --release -p tabula
	$(CARGO) build --release -p tabula-wipe --example check_cost
	scripts/bench.sh

# Registry upload throughput and latency on SQLite and PostgreSQL (needs the server .ci/services starts).
bench-registry:
	CARGO=$(CARGO) scripts/bench-registry.sh

# Fuzz every parser of untrusted input (scripts/fuzz.sh; targets in crates/*/fuzz, results in
# docs/reliability.md) for FUZZ_SECONDS each; FUZZ_TARGETS="bundle proof" picks targets. Not part
# of `make test`. cargo-fuzz needs nightly flags: the script sets RUSTC_BOOTSTRAP=1 for stable.
FUZZ_SECONDS ?= 30
.PHONY: fuzz
fuzz:
	CARGO=$(CARGO) FUZZ_SECONDS=$(FUZZ_SECONDS) scripts/fuzz.sh

# The live USB image (image/README.md, docs/image.md): target/image/tabula-live.iso; root, a
# Debian mirror in this machine's apt sources (or MIRROR=). image-test boots the ISO in QEMU
# (BIOS, UEFI, Secure Boot, upload to a registry, the TUI on tty1) and checks the wipes, the
# certificates and the screens from the host; `make test` runs it last with the debug build.
.PHONY: image image-test
image:
	CARGO=$(CARGO) image/build.sh

image-test:
	image/test.sh
