# Tabula: the two commands a fresh Debian machine needs are `make demo` and `make test`.
CARGO ?= cargo
export CARGO_TERM_COLOR ?= never

.PHONY: build test demo bench bench-registry lint doc fmt

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

# Registry upload throughput and latency on SQLite and PostgreSQL (needs the server .ci/services starts).
bench-registry:
	CARGO=$(CARGO) scripts/bench-registry.sh

# Fuzz the audit parsers (SMBIOS, ACPI, smartctl JSON) for FUZZ_SECONDS each. Not part of `make test`.
# cargo-fuzz needs nightly flags: RUSTC_BOOTSTRAP=1 lets the stable toolchain accept them.
FUZZ_SECONDS ?= 30
.PHONY: fuzz
fuzz:
	command -v cargo-fuzz >/dev/null || $(CARGO) install cargo-fuzz --locked
	cd crates/audit/fuzz && for t in smbios acpi smartctl; do \
		mkdir -p target/corpus/$$t && \
		RUSTC_BOOTSTRAP=1 $(CARGO) fuzz run $$t target/corpus/$$t seeds/$$t -- -max_total_time=$(FUZZ_SECONDS) || exit 1; \
	done

# The live USB image (image/README.md): target/image/tabula-live.iso. Not part of `make test`;
# root, network access to deb.debian.org. image-test boots the ISO in QEMU (TCG), unattended,
# and checks the wipe and the certificate from the host (builds the ISO first if it is missing).
.PHONY: image image-test
image:
	CARGO=$(CARGO) image/build.sh

image-test:
	image/test.sh
