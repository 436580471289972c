import ArgumentParser
import Iceberg
import JSONSupport

extension DeleteOrphanFiles.PrefixMismatchMode: ExpressibleByArgument {}

struct RemoveOrphanFilesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "remove-orphan-files",
        abstract: "Delete files under a table's location that the table no longer reaches.",
        discussion: """
            Lists the table's location, keeps every file a snapshot, metadata file or statistics file \
            reaches, and deletes the rest that is older than --older-than (default: three days ago, so a \
            commit still being written keeps its files). Prints one JSON object: the orphans found and \
            what was deleted.
            """)
    @OptionGroup var options: CatalogOptions
    @Argument(help: "NAMESPACE.TABLE") var table: String
    @Option(help: "Only files older than this ISO-8601 time.") var olderThan: String?
    @Option(help: "The folder to search (default: the table's location).") var location: String?
    @Option(help: "A file whose path a reachable file has under another scheme or bucket: error, ignore or delete.")
    var prefixMismatch: DeleteOrphanFiles.PrefixMismatchMode = .error
    @Option(help: "Another name for a scheme, as FROM=TO (repeatable; s3a and s3n are s3 already).")
    var equalScheme: [String] = []
    @Option(help: "Another name for an authority (bucket, host), as FROM=TO (repeatable).")
    var equalAuthority: [String] = []
    @Flag(help: "Allow --older-than within the last day.") var allowRecent = false
    @Flag(help: "List the orphans; delete nothing.") var dryRun = false

    func run() async throws {
        var removal = DeleteOrphanFiles(
            olderThanMs: try olderThan.map {
                try TemporalValues.parseTimestamp($0, unitsPerSecond: 1_000_000, withZone: true) / 1000
            }, location: location, prefixMismatch: prefixMismatch, dryRun: dryRun)
        removal.allowRecentFiles = allowRecent
        func pairs(_ items: [String], _ flag: String) throws -> [String: String] {
            try Dictionary(
                items.map { item in
                    let parts = item.split(separator: "=", maxSplits: 1).map(String.init)
                    guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else {
                        throw ValidationError("\(flag) takes FROM=TO, not '\(item)'")
                    }
                    return (parts[0], parts[1])
                }, uniquingKeysWith: { $1 })
        }
        removal.equalSchemes.merge(try pairs(equalScheme, "--equal-scheme")) { $1 }
        removal.equalAuthorities = try pairs(equalAuthority, "--equal-authority")
        let dry = dryRun
        try await options.withTable(table) { table in
            let r = try await table.deleteOrphanFiles(removal)
            options.emit(
                JSONValue.object([
                    ("dry-run", .bool(dry)), ("orphan-files", .array(r.orphanFiles.map { .string($0) })),
                    ("listed-files", .int(Int64(r.listedFiles))), ("reachable-files", .int(Int64(r.reachableFiles))),
                    ("too-recent", .int(Int64(r.tooRecent))), ("deleted-files", .int(Int64(r.deletedFiles))),
                    ("failed-deletes", .array(r.failedDeletes.map { .string($0) })),
                ]))
        }
    }
}
