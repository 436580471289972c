import ArgumentParser
import Iceberg
import JSONSupport

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

struct TableCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "table", abstract: "Create, list, drop and rename tables.",
        subcommands: [
            Create.self, List.self, Drop.self, Rename.self, SetProperties.self, RemoveProperties.self, Upgrade.self,
        ])

    /// Commits one change and prints the table's format version and new metadata location.
    static func commit(_ options: CatalogOptions, _ table: String, _ change: (Table) async throws -> Void)
        async throws
    {
        try await options.commit(table, change) { [("format-version", .int(Int64($0.metadata.formatVersion)))] }
    }

}
