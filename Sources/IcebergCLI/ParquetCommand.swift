import ArgumentParser

/// `iceberg parquet …`
struct ParquetCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "parquet",
        abstract: "Write Parquet files from JSON lines, print their rows, schema and metadata.",
        subcommands: [ParquetWrite.self, ParquetCat.self, ParquetSchemaCommand.self, ParquetMeta.self]
    )
}
