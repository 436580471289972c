import ArgumentParser
import Iceberg
import JSONSupport

extension RefCommand {
    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "List branches and tags.")
        @OptionGroup var options: CatalogOptions
        @Argument(help: "NAMESPACE.TABLE") var table: String
        func run() async throws {
            try await options.withTable(table) { t in
                var printer = options.printer()
                for (name, ref) in t.metadata.refs.sorted(by: { $0.0 < $1.0 }) {
                    let fields: [(String, JSONValue)] = [
                        ("name", .string(name)), ("type", .string(ref.type.rawValue)),
                        ("snapshot-id", .int(ref.snapshotId)),
                        ("min-snapshots-to-keep", ref.minSnapshotsToKeep.map { .int(Int64($0)) } ?? .null),
                        ("max-snapshot-age-ms", ref.maxSnapshotAgeMs.map { .int($0) } ?? .null),
                        ("max-ref-age-ms", ref.maxRefAgeMs.map { .int($0) } ?? .null),
                    ]
                    printer.row(.object(fields))
                }
                printer.finish()
            }
        }
    }
}
