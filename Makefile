# Quick start:
#   make demo   - installs what is needed, builds `iceberg`, writes and reads a sample Parquet file
#   make test   - installs what is needed and runs every test (unit, interop with pyarrow, golden files)

.PHONY: setup build demo test bench fixtures

setup:
	./scripts/setup.sh

build: setup
	swift build -c release --product iceberg

demo: build
	./scripts/demo.sh

test: setup
	swift build --build-tests
	ICEBERG_PYTHON="$(CURDIR)/.venv/bin/python" swift test --skip-build

bench: setup
	./Benchmarks/compare

fixtures: setup
	.venv/bin/python Fixtures/parquet/generate.py
