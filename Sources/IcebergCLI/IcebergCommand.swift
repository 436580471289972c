import ArgumentParser

/// The `iceberg` command-line tool.
@main
struct IcebergCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "iceberg",
        abstract: "Write, read and inspect Apache Iceberg tables and Parquet files.",
        subcommands: [NamespaceCommand.self, TableCommand.self, AppendCommand.self, ScanCommand.self, SnapshotsCommand.self, DeleteCommand.self, ExpireSnapshotsCommand.self,
                      DescribeCommand.self, FilesCommand.self, ServeCommand.self, ParquetCommand.self]
    )
}

/// `iceberg parquet …`
struct ParquetCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "parquet",
        abstract: "Write Parquet files from JSON lines, print their rows, schema and metadata.",
        subcommands: [ParquetWrite.self, ParquetCat.self, ParquetSchemaCommand.self, ParquetMeta.self]
    )
}
