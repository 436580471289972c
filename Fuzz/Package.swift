// swift-tools-version: 6.1
import PackageDescription

// Coverage-guided fuzzing (libFuzzer) of every reader of outside bytes, in its own package so
// that nothing of it reaches the SDK's users. Built by `make fuzz` with
// `-sanitize=fuzzer,address`: libFuzzer supplies `main` and calls `LLVMFuzzerTestOneInput`.
let package = Package(
    name: "Fuzz",
    platforms: [.macOS(.v13)],
    dependencies: [.package(name: "swift-iceberg", path: "..")],
    targets: [
        .executableTarget(
            name: "iceberg-fuzz",
            dependencies: [
                .product(name: "ThriftCompact", package: "swift-iceberg"),
                .product(name: "Parquet", package: "swift-iceberg"),
                .product(name: "Avro", package: "swift-iceberg"),
                .product(name: "Puffin", package: "swift-iceberg"),
                .product(name: "IcebergSpec", package: "swift-iceberg"),
                .product(name: "Iceberg", package: "swift-iceberg"),
                .product(name: "IcebergRESTServer", package: "swift-iceberg"),
                .product(name: "JSONSupport", package: "swift-iceberg"),
            ],
            path: "Sources/IcebergFuzz",
            swiftSettings: [.unsafeFlags(["-parse-as-library"])]
        )
    ]
)
