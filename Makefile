# Quick start:
#   make demo   - installs what is needed, builds `iceberg`, writes and reads a sample Parquet file
#   make test   - installs what is needed and runs every test (unit, interop with pyarrow, golden files)

.PHONY: setup build demo test bench fixtures docs format format-check readme-check arch-check thrift thrift-check \
	fuzz fuzz-build fuzz-seeds

setup:
	./scripts/setup.sh

build: setup
	swift build -c release --product iceberg

demo: build
	./scripts/demo.sh

test: setup
	swift build --build-tests
	ICEBERG_PYTHON="$(CURDIR)/.venv/bin/python" swift test --skip-build

# Parquet's Thrift encoders and decoders from the one declaration of their fields
# (Sources/Parquet/Format/ParquetThrift.fields); thrift-check (run by CI) fails when they are stale.
thrift:
	python3 scripts/generate-thrift.py

thrift-check:
	python3 scripts/generate-thrift.py --check

# docs/architecture.md's module table, Package.swift and the import lines agree; arrows point down.
arch-check:
	python3 scripts/check-architecture.py

# README.md's Swift blocks as top-level code of a separate package that depends on this one.
readme-check:
	python3 scripts/readme-package.py

bench: setup
	./Benchmarks/compare

fixtures: setup
	.venv/bin/python Fixtures/parquet/generate.py
	.venv/bin/python Fixtures/aws/generate.py

# Coverage-guided fuzzing (libFuzzer with the address sanitizer) of every reader of outside
# bytes: `make fuzz FUZZ_SECONDS=600` runs each target that long (CI: a few seconds each).
# New inputs go to Fuzz/.corpus (not committed); Fuzz/seeds (made by `make fuzz-seeds` from
# files the peers write) and the golden fixtures seed them; findings land in Fuzz/.findings.
FUZZ_SECONDS ?= 60
FUZZ_TARGETS ?= thrift parquet avro manifest metadata puffin filter rest
fuzz-build:
	cd Fuzz && swift build -c release -Xswiftc -sanitize=fuzzer,address -Xswiftc -use-ld=lld
fuzz: fuzz-build
	./scripts/fuzz.sh $(FUZZ_SECONDS) $(FUZZ_TARGETS)
fuzz-seeds: setup
	.venv/bin/python scripts/fuzz-seeds.py

# The DocC catalog of every library product; any DocC warning fails the build.
DOC_TARGETS = CompressionCodecs ThriftCompact JSONSupport ValueFormats Parquet ParquetJSON Avro Puffin IcebergSpec Iceberg IcebergSQLite \
	HTTPSupport AWSTransport IcebergAWS IcebergREST IcebergRESTServer IcebergCatalogLoader
docs:
	swift package generate-documentation $(foreach t,$(DOC_TARGETS),--target $(t)) --warnings-as-errors

# Formats the sources to .swift-format (line length 120, one statement per line).
FORMATTED = Package.swift Sources Tests Benchmarks/Package.swift Benchmarks/Sources Fuzz/Package.swift Fuzz/Sources
format:
	swift format format --in-place --recursive --parallel $(FORMATTED)

# Fails when a source file is not formatted as `make format` would leave it.
format-check:
	swift format lint --strict --recursive --parallel $(FORMATTED)
