// swift-tools-version: 6.1
import PackageDescription

// Benchmarks live in their own package so that users of the SDK never build package-benchmark.
let package = Package(
    name: "Benchmarks",
    platforms: [.macOS(.v13)],
    dependencies: [
        .package(name: "swift-iceberg", path: ".."),
        .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.1", traits: ["MallocInterposer"]),
    ],
    targets: [
        // Shared workload generation (the `events` data set).
        .target(
            name: "Workloads",
            dependencies: [.product(name: "Parquet", package: "swift-iceberg")],
            path: "Sources/Workloads"
        ),
        // The Swift side of `Benchmarks/compare` (timed against pyarrow and polars in one run).
        .executableTarget(
            name: "compare-runner",
            dependencies: [
                "Workloads", .product(name: "Parquet", package: "swift-iceberg"),
                .product(name: "Iceberg", package: "swift-iceberg"),
                .product(name: "IcebergSQLite", package: "swift-iceberg"),
            ],
            path: "Sources/CompareRunner"
        ),
        // package-benchmark suites: wall clock, throughput and malloc counts per layer.
        .executableTarget(
            name: "ParquetBenchmarks",
            dependencies: [
                "Workloads",
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "Parquet", package: "swift-iceberg"),
            ],
            path: "Benchmarks/ParquetBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
    ]
)
