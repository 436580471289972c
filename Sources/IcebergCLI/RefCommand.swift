import ArgumentParser
import Iceberg
import JSONSupport

/// Commits snapshot operations and prints the current snapshot and the metadata location.
private func commitSnapshots(_ options: CatalogOptions, _ table: String, _ ops: [ManageSnapshots.Operation])
    async throws
{
    try await commitSnapshots(options, table) { _ in ops }
}

/// Commits the snapshot operations `ops` builds from the loaded table's metadata.
private func commitSnapshots(
    _ options: CatalogOptions, _ table: String, _ ops: @escaping (TableMetadata) -> [ManageSnapshots.Operation]
) async throws {
    try await options.commit(
        table, { try await $0.manageSnapshots(ops($0.metadata)) },
        printing: { [("current-snapshot-id", $0.metadata.currentSnapshotId.map { .int($0) } ?? .null)] })
}

struct RollbackCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rollback",
        abstract: "Make an ancestor of the current snapshot current again (one commit).")
    @OptionGroup var options: CatalogOptions
    @Argument(help: "NAMESPACE.TABLE") var table: String
    @Option(help: "The ancestor's snapshot id.") var toSnapshot: Int64?
    @Option(help: "The newest ancestor older than this ISO-8601 time, or ms since the epoch.") var toTimestamp: String?
    func run() async throws {
        let op: ManageSnapshots.Operation
        switch (toSnapshot, toTimestamp) {
        case (let id?, nil): op = .rollbackToSnapshot(id)
        case (nil, let text?): op = .rollbackToTimestamp(try parseMillis(text))
        default: throw ValidationError("give exactly one of --to-snapshot and --to-timestamp")
        }
        try await commitSnapshots(options, table, [op])
    }
}

/// `1700000000000` or `2024-05-01T12:00:00+00:00` as ms since the epoch.
func parseMillis(_ text: String) throws -> Int64 {
    if let ms = Int64(text) { return ms }
    return try TemporalValues.parseTimestamp(text, unitsPerSecond: 1_000_000, withZone: true) / 1000
}

struct CherryPickCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cherry-pick",
        abstract: "Apply a snapshot of another branch to main: fast-forward, or re-append an append's files.")
    @OptionGroup var options: CatalogOptions
    @Argument(help: "NAMESPACE.TABLE") var table: String
    @Argument(help: "The snapshot id.") var snapshotId: Int64
    func run() async throws { try await commitSnapshots(options, table, [.cherryPick(snapshotId)]) }
}

struct RefCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ref", abstract: "List, create, rename, fast-forward and remove branches and tags.",
        subcommands: [
            List.self, CreateBranch.self, CreateTag.self, Replace.self, Remove.self, Rename.self, FastForward.self,
        ])

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "List branches and tags.")
        @OptionGroup var options: CatalogOptions
        @Argument(help: "NAMESPACE.TABLE") var table: String
        func run() async throws {
            let catalog = try await options.open()
            let id = try TableIdentifier(parsing: table)
            try await reportingErrorsAsync {
                let t = try await catalog.loadTable(id)
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

    struct CreateBranch: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "create-branch", abstract: "Create a branch (default: at the current snapshot).")
        @OptionGroup var options: CatalogOptions
        @Argument(help: "NAMESPACE.TABLE") var table: String
        @Argument(help: "The branch name.") var name: String
        @Option(help: "The snapshot it starts at.") var snapshotId: Int64?
        @Option(help: "Ancestors expiration always keeps.") var minSnapshotsToKeep: Int?
        @Option(help: "Age after which ancestors may expire.") var maxSnapshotAgeMs: Int64?
        @Option(help: "Age after which the branch itself is removed by expiration.") var maxRefAgeMs: Int64?
        func run() async throws {
            let retention = RefRetention(
                minSnapshotsToKeep: minSnapshotsToKeep, maxSnapshotAgeMs: maxSnapshotAgeMs, maxRefAgeMs: maxRefAgeMs)
            try await commitSnapshots(
                options, table, [.createBranch(name, snapshotId: snapshotId, retention: retention)])
        }
    }

    struct CreateTag: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "create-tag", abstract: "Tag a snapshot (default: the current one).")
        @OptionGroup var options: CatalogOptions
        @Argument(help: "NAMESPACE.TABLE") var table: String
        @Argument(help: "The tag name.") var name: String
        @Option(help: "The snapshot tagged.") var snapshotId: Int64?
        @Option(help: "Age after which the tag is removed by expiration.") var maxRefAgeMs: Int64?
        func run() async throws {
            try await commitSnapshots(
                options, table, [.createTag(name, snapshotId: snapshotId, maxRefAgeMs: maxRefAgeMs)])
        }
    }

    struct Replace: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "replace", abstract: "Point an existing branch or tag at another snapshot.")
        @OptionGroup var options: CatalogOptions
        @Argument(help: "NAMESPACE.TABLE") var table: String
        @Argument(help: "The branch or tag.") var name: String
        @Option(help: "The snapshot.") var snapshotId: Int64
        func run() async throws {
            let (name, id) = (name, snapshotId)
            try await commitSnapshots(options, table) {
                [$0.ref(name)?.type == .tag ? .replaceTag(name, snapshotId: id) : .replaceBranch(name, snapshotId: id)]
            }
        }
    }

    struct Remove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "remove", abstract: "Remove a branch (not main) or a tag.")
        @OptionGroup var options: CatalogOptions
        @Argument(help: "NAMESPACE.TABLE") var table: String
        @Argument(help: "The branch or tag.") var name: String
        func run() async throws {
            let name = name
            try await commitSnapshots(options, table) {
                [$0.ref(name)?.type == .tag ? .removeTag(name) : .removeBranch(name)]
            }
        }
    }

    struct Rename: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "rename", abstract: "Rename a branch (not main).")
        @OptionGroup var options: CatalogOptions
        @Argument(help: "NAMESPACE.TABLE") var table: String
        @Argument(help: "The branch.") var name: String
        @Argument(help: "Its new name.") var newName: String
        func run() async throws { try await commitSnapshots(options, table, [.renameBranch(name, to: newName)]) }
    }

    struct FastForward: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "fast-forward",
            abstract: "Move branch TARGET to the head of SOURCE when TARGET's head is an ancestor of it.")
        @OptionGroup var options: CatalogOptions
        @Argument(help: "NAMESPACE.TABLE") var table: String
        @Argument(help: "The branch moved (main to publish).") var target: String
        @Argument(help: "The branch or tag it moves to.") var source: String
        func run() async throws { try await commitSnapshots(options, table, [.fastForward(target, to: source)]) }
    }
}
