import ArgumentParser
import Iceberg
import JSONSupport

struct RewriteManifestsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rewrite-manifests",
        abstract: "Rewrite a table's manifests into fewer, partition-clustered ones.",
        discussion: """
            Writes the live entries of the branch's manifests again, per partition spec, sorted by partition, \
            into manifests of about --target-size bytes (default: commit.manifest.target-size-bytes, 8 MB), in \
            one replace snapshot. Prints one JSON object with what was rewritten.
            """)
    @OptionGroup var options: CatalogOptions
    @Argument(help: "NAMESPACE.TABLE") var table: String
    @Option(help: "Only manifests of this partition spec.") var specId: Int?
    @Option(help: "Size of a written manifest in bytes.") var targetSize: Int64?
    @Option(help: "The branch to rewrite.") var branch = "main"

    func run() async throws {
        if let t = targetSize, t <= 0 { throw ValidationError("--target-size must be positive") }
        let rewrite = RewriteManifests(branch: branch, specId: specId, targetSizeBytes: targetSize)
        try await options.withTable(table) { table in
            let r = try await table.rewriteManifests(rewrite)
            options.emit(
                JSONValue.object([
                    ("snapshot-id", r.snapshotId.map { .int($0) } ?? .null),
                    ("replaced-manifests", .int(Int64(r.replacedManifests))),
                    ("added-manifests", .int(Int64(r.addedManifests))),
                    ("kept-manifests", .int(Int64(r.keptManifests))),
                    ("entries", .int(Int64(r.entries))),
                ]))
        }
    }
}
