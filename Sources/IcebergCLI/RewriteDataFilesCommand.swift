import ArgumentParser
import Foundation
import Iceberg
import JSONSupport

struct RewriteDataFilesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rewrite-data-files",
        abstract: "Compact a table's data files (Spark's rewrite_data_files).",
        discussion: """
            Plans as Iceberg Java does: per partition, files under 75% or over 180% of the target size, or with \
            at least --delete-file-threshold deletes or 30% of their rows deleted, packed into groups; a group \
            is rewritten when it has --min-input-files files (5), more bytes than the target, or a file with too \
            many deletes. Rows are written with every delete applied, in the current partition spec (with \
            --strategy sort, sorted across each group's output files, as Java's range sort), as one \
            replace snapshot (several with --partial-progress). Equality deletes committed meanwhile still \
            apply; a concurrent delete of rewritten rows fails the rewrite cleanly. Prints one JSON object; \
            with --plan-only, the plan (JSON that `Table.rewriteGroup` and `Table.commitRewrite` take). \
            Progress goes to standard error: a bar on a terminal, JSON lines with --progress json.
            """)
    @OptionGroup var options: CatalogOptions
    @Argument(help: "NAMESPACE.TABLE") var table: String
    @Option(help: "binpack, sort or auto (sort when the table has a sort order).") var strategy = "binpack"
    @Option(help: "For --strategy sort: \"COL [asc|desc] [nulls first|last], …\" (default: the table's order).")
    var sortOrder: String?
    @Option(help: "Only files that may hold rows matching this filter.") var filter: String?
    @Option(help: "Target file size in bytes (default: write.target-file-size-bytes).") var targetFileSize: Int64?
    @Option(help: "A group with fewer files is left alone unless it has enough bytes or deletes.")
    var minInputFiles = 5
    @Flag(help: "Rewrite every selected file, whatever its size.") var rewriteAll = false
    @Option(help: "Files with at least this many delete files are rewritten.") var deleteFileThreshold: Int?
    @Option(help: "The most bytes a group takes.") var maxFileGroupSize: Int64?
    @Flag(help: "Commit groups apart, in up to --max-commits commits.") var partialProgress = false
    @Option(help: "With --partial-progress: the number of commits.") var maxCommits = 10
    @Option(help: "How many groups are rewritten at once.") var maxConcurrentGroups = 5
    @Option(
        help:
            "For --strategy sort: bytes of rows a group holds in memory for its sort across files; beyond it, sorted runs spill to TMPDIR."
    )
    var sortMemory = RewriteDataFilesOptions.defaultSortMemoryBytes
    @Option(help: "The branch to rewrite.") var branch = "main"
    @Flag(help: "Print the plan and rewrite nothing.") var planOnly = false
    @OptionGroup var progress: ProgressOptions

    func run() async throws {
        var o = RewriteDataFilesOptions()
        guard let s = CompactionStrategy(rawValue: strategy) else {
            throw ValidationError("--strategy must be binpack, sort or auto, not '\(strategy)'")
        }
        o.strategy = s
        if let sortOrder {
            guard s != .binpack else { throw ValidationError("--sort-order goes with --strategy sort") }
            o.sortOrder = try SpecParsing.sortTerms(sortOrder)
        }
        if let filter { o.filter = try FilterParser.parse(filter) }
        o.targetFileSizeBytes = targetFileSize
        o.minInputFiles = minInputFiles
        o.rewriteAll = rewriteAll
        if let deleteFileThreshold { o.deleteFileThreshold = deleteFileThreshold }
        if let maxFileGroupSize { o.maxFileGroupSizeBytes = maxFileGroupSize }
        o.partialProgress = partialProgress
        o.maxCommits = maxCommits
        o.maxConcurrentGroups = maxConcurrentGroups
        o.branch = branch
        try await options.withTable(table) { table in
            let plan = try await table.planRewrite(o)
            if planOnly {
                try options.emit(try encodedJSON(plan))
                return
            }
            try options.emit(
                try encodedJSON(
                    try await table.executeRewrite(
                        plan, sortMemoryBytes: sortMemory, progress: progress.handler())))
        }
    }
}
