// swift-tools-version: 6.0
import PackageDescription

let package = Package(
    name: "swift-iceberg",
    products: [
        .library(name: "CompressionCodecs", targets: ["CompressionCodecs"]),
        .library(name: "ThriftCompact", targets: ["ThriftCompact"]),
        .library(name: "JSONSupport", targets: ["JSONSupport"]),
        // Dates, times, timestamps, decimals, hex and UUIDs as text; the calendar; the wall clock.
        .library(name: "ValueFormats", targets: ["ValueFormats"]),
        .library(name: "Parquet", targets: ["Parquet"]),
        .library(name: "Avro", targets: ["Avro"]),
        .library(name: "Puffin", targets: ["Puffin"]),
        // The Iceberg spec model alone: types, values, transforms, expressions, metadata, manifests (no I/O).
        .library(name: "IcebergSpec", targets: ["IcebergSpec"]),
        .library(name: "ParquetJSON", targets: ["ParquetJSON"]),
        .library(name: "Iceberg", targets: ["Iceberg"]),
        .library(name: "IcebergSQLite", targets: ["IcebergSQLite"]),
        // HTTP requests and the one HTTP client (AsyncHTTPClient), with no AWS or Iceberg code.
        .library(name: "HTTPSupport", targets: ["HTTPSupport"]),
        // The AWS transport (SigV4, credentials, S3, S3 Tables, Glue) and the Iceberg pieces built on it.
        .library(name: "IcebergAWS", targets: ["AWSTransport", "IcebergAWS"]),
        // The Iceberg REST catalog client (wire forms, OAuth2 / bearer / SigV4 auth).
        .library(name: "IcebergREST", targets: ["IcebergREST"]),
        // A REST catalog server over any `Catalog` of this SDK (Hummingbird).
        .library(name: "IcebergRESTServer", targets: ["IcebergRESTServer"]),
        // Opens any catalog from a URI or a PyIceberg configuration name (links every catalog).
        .library(name: "IcebergCatalogLoader", targets: ["IcebergCatalogLoader"]),
        .executable(name: "iceberg", targets: ["IcebergCLI"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        // `make docs`: the DocC catalogs of the library products.
        .package(url: "https://github.com/swiftlang/swift-docc-plugin", from: "1.5.0"),
    ],
    targets: [
        // System C libraries (Debian: libsnappy-dev, libzstd-dev, zlib1g-dev, liblz4-dev, libbrotli-dev).
        .systemLibrary(name: "CSnappy", pkgConfig: "snappy", providers: [.apt(["libsnappy-dev"])]),
        .systemLibrary(name: "CZstd", pkgConfig: "libzstd", providers: [.apt(["libzstd-dev"])]),
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        .systemLibrary(name: "CLZ4", pkgConfig: "liblz4", providers: [.apt(["liblz4-dev"])]),
        .systemLibrary(name: "CBrotli", pkgConfig: "libbrotlienc", providers: [.apt(["libbrotli-dev"])]),
        .systemLibrary(name: "CSQLite", pkgConfig: "sqlite3", providers: [.apt(["libsqlite3-dev"])]),

        // Swift layers, bottom to top. None of these depend on other packages.
        .target(name: "CompressionCodecs", dependencies: ["CSnappy", "CZstd", "CZlib", "CLZ4", "CBrotli"]),
        .target(name: "ThriftCompact"),
        .target(name: "JSONSupport"),
        .target(name: "ValueFormats"),
        // Format/ParquetThrift.fields declares the Thrift structures (scripts/generate-thrift.py).
        .target(
            name: "Parquet", dependencies: ["ThriftCompact", "CompressionCodecs"],
            exclude: ["Format/ParquetThrift.fields"]),
        .target(name: "Avro", dependencies: ["JSONSupport", "CompressionCodecs", "CZlib"]),
        .target(name: "Puffin", dependencies: ["JSONSupport", "CompressionCodecs", "CZlib"]),
        // The spec model: knows nothing of Parquet, FileIO, catalogs or commits.
        .target(name: "IcebergSpec", dependencies: ["Avro", "JSONSupport", "ValueFormats"]),
        // Parquet values and metadata as JSON in the SDK's value convention (`iceberg parquet`).
        .target(name: "ParquetJSON", dependencies: ["Parquet", "ValueFormats", "JSONSupport"]),
        // Tables: FileIO, Parquet data files, scans, writers, catalogs, transactions.
        .target(
            name: "Iceberg",
            dependencies: [
                "IcebergSpec", "Parquet", "Avro", "Puffin", "JSONSupport",
                .product(name: "Metrics", package: "swift-metrics"),
            ]),
        // The SQL catalog on SQLite (tables and columns of PyIceberg's SqlCatalog / Java's JdbcCatalog).
        .target(name: "IcebergSQLite", dependencies: ["Iceberg", "CSQLite"]),

        // HTTP: requests, the signer protocol and the one HTTP client. Knows nothing of AWS or Iceberg.
        .target(
            name: "HTTPSupport",
            dependencies: [
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ]),
        // The AWS transport: SigV4, credentials, retries, S3 and STS over HTTPSupport. Knows nothing of Iceberg.
        .target(
            name: "AWSTransport",
            dependencies: [
                "HTTPSupport", "JSONSupport", "ValueFormats",
                .product(name: "Crypto", package: "swift-crypto"),
            ]),
        // The REST catalog protocol: wire forms and the client catalog (over HTTPSupport; no AWS code).
        .target(name: "IcebergREST", dependencies: ["Iceberg", "HTTPSupport", "JSONSupport"]),
        // S3 FileIO and the S3 Tables and Glue catalogs.
        .target(name: "IcebergAWS", dependencies: ["Iceberg", "AWSTransport", "JSONSupport"]),
        // The REST catalog server.
        .target(
            name: "IcebergRESTServer",
            dependencies: [
                "IcebergREST", "Iceberg", "IcebergSQLite", "AWSTransport", "JSONSupport", "ValueFormats",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Yams", package: "Yams"),
                .product(name: "Logging", package: "swift-log"),
            ]),

        // Catalog loading: URIs and PyIceberg's configuration (.pyiceberg.yaml, PYICEBERG_CATALOG__…).
        .target(
            name: "IcebergCatalogLoader",
            dependencies: [
                "Iceberg", "IcebergSQLite", "IcebergAWS", "AWSTransport", "IcebergREST",
                .product(name: "Yams", package: "Yams"),
            ]),

        // The `iceberg` command-line tool.
        .executableTarget(
            name: "IcebergCLI",
            dependencies: [
                "Iceberg", "IcebergSQLite", "IcebergRESTServer", "IcebergCatalogLoader", "IcebergAWS", "Parquet",
                "ParquetJSON", "JSONSupport",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),

        // What the test targets share: temporary folders, local catalogs, the Python-peer runner.
        .target(name: "TestSupport", dependencies: ["Iceberg", "JSONSupport"], path: "Tests/TestSupport"),
        .testTarget(name: "CompressionCodecsTests", dependencies: ["CompressionCodecs"]),
        .testTarget(name: "ThriftCompactTests", dependencies: ["ThriftCompact"]),
        .testTarget(name: "IcebergSpecTests", dependencies: ["IcebergSpec", "Avro", "JSONSupport"]),
        .testTarget(name: "ParquetJSONTests", dependencies: ["ParquetJSON", "Parquet", "JSONSupport"]),
        .testTarget(name: "ParquetTests", dependencies: ["Parquet", "ParquetJSON", "Iceberg"]),
        .testTarget(
            name: "IcebergTests",
            dependencies: [
                "Iceberg", "Parquet", "JSONSupport", "TestSupport",
                .product(name: "MetricsTestKit", package: "swift-metrics"),
            ]),
        .testTarget(name: "AvroTests", dependencies: ["Avro", "JSONSupport"]),
        .testTarget(name: "PuffinTests", dependencies: ["Puffin", "CompressionCodecs"]),
        .testTarget(
            name: "RESTTests",
            dependencies: [
                "Iceberg", "IcebergSQLite", "IcebergREST", "IcebergRESTServer", "HTTPSupport", "JSONSupport",
                "TestSupport", "AWSTransport",
            ]),
        .testTarget(name: "JSONSupportTests", dependencies: ["JSONSupport"]),
        .testTarget(name: "AWSTransportTests", dependencies: ["AWSTransport", "ValueFormats", "TestSupport"]),
        .testTarget(name: "IcebergAWSTests", dependencies: ["IcebergAWS", "AWSTransport", "Iceberg", "JSONSupport"]),
        .testTarget(name: "IcebergSQLiteTests", dependencies: ["Iceberg", "IcebergSQLite", "TestSupport"]),
        .testTarget(
            name: "IcebergCLITests",
            dependencies: [
                "IcebergCLI", "JSONSupport", .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),
        .testTarget(name: "CatalogLoaderTests", dependencies: ["Iceberg", "IcebergCatalogLoader", "TestSupport"]),
        // Every Swift block of README.md, docs/ and the DocC articles, compiled (scripts/doc-examples.py writes them).
        .testTarget(
            name: "ExamplesTests",
            dependencies: [
                "TestSupport",
                "CompressionCodecs", "ThriftCompact", "JSONSupport", "ValueFormats", "Parquet", "ParquetJSON", "Avro",
                "IcebergSpec",
                "Iceberg",
                "IcebergSQLite", "HTTPSupport", "AWSTransport",
                "IcebergAWS", "IcebergREST", "IcebergRESTServer", "IcebergCatalogLoader",
                .product(name: "Logging", package: "swift-log"),
            ]),
        .testTarget(
            name: "InteropTests",
            dependencies: [
                "TestSupport",
                "Parquet", "ParquetJSON", "Iceberg", "Avro", "JSONSupport", "IcebergSQLite", "AWSTransport",
                "IcebergAWS",
                "IcebergREST", "IcebergRESTServer",
                .product(name: "Logging", package: "swift-log"),
            ]),
    ],
    swiftLanguageModes: [.v6]
)
