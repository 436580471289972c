#!/usr/bin/env python3
"""Compiles README.md's Swift blocks as a user would: each block becomes main.swift (top-level
code) of an executable target of a separate package that depends on this one by path, in
Swift 6 language mode, so only public API is used and actor-isolated top-level variables are
checked as they are in a user's program. Blocks fenced as ```swift manifest are skipped.

Usage: scripts/readme-package.py [--scratch DIR]   (default DIR: .build-readme; exits non-zero
when a block does not compile)."""
import argparse
import pathlib
import re
import shutil
import subprocess
import sys

root = pathlib.Path(__file__).resolve().parent.parent

# Products of this package that hold each module a block may import.
PRODUCT_OF_MODULE = {
    "CompressionCodecs": "CompressionCodecs", "ThriftCompact": "ThriftCompact", "JSONSupport": "JSONSupport",
    "Parquet": "Parquet", "Avro": "Avro", "Puffin": "Puffin", "IcebergSpec": "IcebergSpec",
    "ParquetJSON": "ParquetJSON", "Iceberg": "Iceberg", "IcebergSQLite": "IcebergSQLite",
    "AWSTransport": "IcebergAWS", "IcebergAWS": "IcebergAWS", "IcebergREST": "IcebergREST",
    "IcebergRESTServer": "IcebergRESTServer", "IcebergCatalogLoader": "IcebergCatalogLoader",
}
SYSTEM_MODULES = {"Foundation", "Dispatch", "Glibc", "Synchronization"}


def blocks(path):
    text = path.read_text()
    for m in re.finditer(r"^```swift\n(.*?)^```$", text, re.S | re.M):
        yield m.group(1)


def write_package(package_dir):
    if package_dir.exists():
        for old in (package_dir / "Sources").glob("*"):
            shutil.rmtree(old)
    targets = []
    for n, block in enumerate(blocks(root / "README.md"), start=1):
        modules = re.findall(r"^import (\w+)$", block, re.M)
        unknown = [m for m in modules if m not in PRODUCT_OF_MODULE and m not in SYSTEM_MODULES]
        if unknown:
            sys.exit(f"README block {n} imports {unknown}: add them to PRODUCT_OF_MODULE")
        products = sorted({PRODUCT_OF_MODULE[m] for m in modules if m in PRODUCT_OF_MODULE})
        name = f"ReadmeBlock{n}"
        source = package_dir / "Sources" / name
        source.mkdir(parents=True, exist_ok=True)
        (source / "main.swift").write_text(f"// Block {n} of README.md, as top-level code.\n" + block)
        targets.append((name, products))
    target_lines = []
    for name, products in targets:
        deps = ", ".join(f'.product(name: "{p}", package: "swift-iceberg")' for p in products)
        target_lines.append(f'        .executableTarget(name: "{name}", dependencies: [{deps}]),')
    (package_dir / "Package.swift").write_text("\n".join([
        "// swift-tools-version: 6.0",
        "// Written by scripts/readme-package.py: README.md's Swift blocks as a user's executables.",
        "import PackageDescription",
        "",
        "let package = Package(",
        '    name: "ReadmeBlocks",',
        f'    dependencies: [.package(name: "swift-iceberg", path: "{root}")],',
        "    targets: [",
        *target_lines,
        "    ],",
        "    swiftLanguageModes: [.v6]",
        ")",
        "",
    ]))
    return [name for name, _ in targets]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scratch", default=str(root / ".build-readme"))
    args = parser.parse_args()
    package_dir = pathlib.Path(args.scratch)
    package_dir.mkdir(parents=True, exist_ok=True)
    names = write_package(package_dir)
    result = subprocess.run(["swift", "build", "--package-path", str(package_dir)])
    if result.returncode != 0:
        sys.exit(f"README blocks do not compile as top-level code of a separate package ({package_dir})")
    print(f"README: {len(names)} Swift blocks compile as top-level code of a separate package")


if __name__ == "__main__":
    main()
