/// The settings of a data-file rewrite (Java's `RewriteDataFiles` options, with its defaults).
public struct RewriteDataFilesOptions: Sendable {
    /// The branch rewritten.
    public var branch = "main"
    /// How rows are laid out: `binpack` combines files as they are (each output file sorted
    /// by the table's order, if any); `sort` sorts by `sortOrder` or the table's order;
    /// `auto` sorts when the table has an order.
    public var strategy = CompactionStrategy.binpack
    /// For `sort`: the order (nil: the table's sort order; an unsorted table then fails).
    public var sortOrder: [SortTerm]? = nil
    /// Only files that may hold rows matching this are considered (whole files are rewritten).
    public var filter: Expression = .alwaysTrue
    /// The size the new files aim for (nil: `write.target-file-size-bytes`).
    public var targetFileSizeBytes: Int64? = nil
    /// Files smaller than this are rewritten (nil: 75% of the target).
    public var minFileSizeBytes: Int64? = nil
    /// Files larger than this are rewritten (nil: 180% of the target).
    public var maxFileSizeBytes: Int64? = nil
    /// A group of fewer files is left alone unless it has enough bytes or deletes (Java's `min-input-files`).
    public var minInputFiles = 5
    /// Rewrite every file the filter selects, whatever its size (Java's `rewrite-all`).
    public var rewriteAll = false
    /// The most bytes one group takes (Java's `max-file-group-size-bytes`, 100 GB).
    public var maxFileGroupSizeBytes: Int64 = 100 << 30
    /// The most files one group takes.
    public var maxFileGroupInputFiles = Int.max
    /// A file with at least this many delete files applying to it is rewritten (default: never by count).
    public var deleteFileThreshold = Int(Int32.max)
    /// A file whose deleted share of rows (by its file-scoped deletes) is at least this is rewritten.
    public var deleteRatioThreshold = 0.3
    /// At most this many files are rewritten (nil: no limit).
    public var maxFilesToRewrite: Int? = nil
    /// The spec the new files are written in (nil: the current default spec).
    public var outputSpecId: Int? = nil
    /// New files take the starting snapshot's data sequence number, so equality deletes
    /// committed while the rewrite ran still apply to them (Java's default).
    public var useStartingSequenceNumber = true
    /// Commit groups as they finish in up to `maxCommits` commits; a failed commit loses only its groups.
    public var partialProgress = false
    /// With `partialProgress`: how many commits the groups are spread over.
    public var maxCommits = 10
    /// How many groups are rewritten at once.
    public var maxConcurrentGroups = 5
    /// With the `sort` strategy: bytes of rows (uncompressed) one group holds in memory for its
    /// sort across output files; beyond it sorted runs are spilled to local temporary files
    /// (`TMPDIR`) and merged.
    public var sortMemoryBytes = RewriteDataFilesOptions.defaultSortMemoryBytes
    /// The default `sortMemoryBytes`: 256 MiB.
    public static let defaultSortMemoryBytes = 256 << 20

    /// The defaults.
    public init() {}
}

/// One data file a rewrite replaces, as planned.
public struct RewriteInputFile: Sendable, Hashable, Codable {
    /// Where it is.
    public var path: String
    /// Its size in bytes.
    public var sizeBytes: Int64
    /// Its rows (before deletes).
    public var recordCount: Int64
    /// The delete files that applied to it when the rewrite was planned (path, or path#data
    /// file for a deletion vector): any other position delete found at commit is a conflict.
    public var deletes: [String]
}

/// A set of files of one partition rewritten together (Java's `RewriteFileGroup`). Groups are
/// `Codable`, so a fleet of processes can each rewrite some (`Table.rewriteGroup`) and one
/// commit them (`Table.commitRewrite`).
public struct RewriteFileGroup: Sendable, Hashable, Codable {
    /// The group's number in the plan (from 1).
    public var index: Int
    /// Its number within its partition (from 1).
    public var partitionIndex: Int
    /// The partition, as a person reads it (`category=toys/ts_day=2023-11-20`; empty: unpartitioned or mixed specs).
    public var partition: String
    /// The files rewritten.
    public var files: [RewriteInputFile]
    /// The size at which the writer starts the next file.
    public var splitSizeBytes: Int64
    /// The largest file the group should write.
    public var maxOutputFileSizeBytes: Int64
    /// How many files the group is expected to write.
    public var expectedOutputFiles: Int

    /// The bytes read.
    public var inputBytes: Int64 { files.reduce(0) { $0 + $1.sizeBytes } }

    enum CodingKeys: String, CodingKey {
        case index
        case partitionIndex = "partition-index"
        case partition
        case files
        case splitSizeBytes = "split-size-bytes"
        case maxOutputFileSizeBytes = "max-output-file-size-bytes"
        case expectedOutputFiles = "expected-output-files"
    }
}

/// What a rewrite will do: the groups, and what they are rewritten against. `Codable`
/// (JSON keys in kebab case, as `iceberg rewrite-data-files --plan-only` prints it).
public struct RewritePlan: Sendable, Codable {
    /// The branch rewritten.
    public var branch: String
    /// The snapshot planned on; the commit validates what landed since.
    public var startingSnapshotId: Int64
    /// The data sequence number the new files take (nil: the commit's own).
    public var dataSequenceNumber: Int64?
    /// The spec the new files are written in.
    public var outputSpecId: Int
    /// The strategy (`binpack` or `sort`; `auto` resolved).
    public var strategy: CompactionStrategy
    /// The order rows are sorted by (empty: unsorted).
    public var sortOrder: [PlannedSortField]
    /// The id files record for that order (0 when it is not one of the table's orders).
    public var sortOrderId: Int
    /// The groups, in the order they are rewritten.
    public var groups: [RewriteFileGroup]
    /// Whether groups are committed in several commits.
    public var partialProgress: Bool
    /// With `partialProgress`: the number of commits.
    public var maxCommits: Int
    /// How many groups are rewritten at once.
    public var maxConcurrentGroups: Int
    /// The planned files' scan tasks, kept for a rewrite in this process (not encoded).
    var tasks: [String: FileScanTask] = [:]

    enum CodingKeys: String, CodingKey {
        case branch
        case startingSnapshotId = "starting-snapshot-id"
        case dataSequenceNumber = "data-sequence-number"
        case outputSpecId = "output-spec-id"
        case strategy
        case sortOrder = "sort-order"
        case sortOrderId = "sort-order-id"
        case groups
        case partialProgress = "partial-progress"
        case maxCommits = "max-commits"
        case maxConcurrentGroups = "max-concurrent-groups"
    }

    /// Files to rewrite, over all groups.
    public var fileCount: Int { groups.reduce(0) { $0 + $1.files.count } }
    /// Bytes to rewrite, over all groups.
    public var inputBytes: Int64 { groups.reduce(0) { $0 + $1.inputBytes } }

    /// The sort order the writer uses.
    func resolvedSortOrder() -> SortOrder? {
        guard !sortOrder.isEmpty else { return nil }
        return SortOrder(
            orderId: sortOrderId,
            fields: sortOrder.map {
                SortField(
                    sourceId: $0.sourceId, transform: Transform($0.transform),
                    direction: SortDirection(rawValue: $0.direction) ?? .asc,
                    nullOrder: NullOrder(rawValue: $0.nullOrder))
            })
    }
}

/// One field of a planned sort order (`Codable` form of `SortField`).
public struct PlannedSortField: Sendable, Hashable, Codable {
    /// The source column's field id.
    public var sourceId: Int
    /// The transform (`identity`, `bucket[16]`, …).
    public var transform: String
    /// `asc` or `desc`.
    public var direction: String
    /// `nulls-first` or `nulls-last`.
    public var nullOrder: String

    enum CodingKeys: String, CodingKey {
        case sourceId = "source-id"
        case transform
        case direction
        case nullOrder = "null-order"
    }
}

/// Java's size-based bin-pack planner (`BinPackRewriteFilePlanner`): which files of a
/// snapshot a rewrite takes and how they are grouped.
struct RewritePlanner {
    let target: Int64
    let minSize: Int64
    let maxSize: Int64
    let options: RewriteDataFilesOptions

    /// A planner for `options`; the target size defaults to `defaultTarget` (data files:
    /// `write.target-file-size-bytes`).
    init(_ options: RewriteDataFilesOptions, metadata m: TableMetadata, defaultTarget: Int64? = nil) throws {
        self.options = options
        target =
            try options.targetFileSizeBytes ?? defaultTarget
            ?? Int64(m.value(of: TableProperties.writeTargetFileSizeBytes))
        minSize = options.minFileSizeBytes ?? Int64(Double(target) * 0.75)
        maxSize = options.maxFileSizeBytes ?? Int64(Double(target) * 1.8)
        func check(_ ok: Bool, _ message: String) throws {
            if !ok { throw CatalogError.invalidArgument(message) }
        }
        try check(target > 0, "the target file size is \(target) but must be positive")
        try check(minSize >= 0, "the minimum file size is \(minSize) but must be at least 0")
        try check(target > minSize, "the target file size (\(target)) must be above the minimum (\(minSize))")
        try check(target < maxSize, "the target file size (\(target)) must be below the maximum (\(maxSize))")
        try check(options.minInputFiles > 0, "min-input-files is \(options.minInputFiles) but must be positive")
        try check(options.maxFileGroupSizeBytes > 0, "the maximum group size must be positive")
        try check(options.maxFileGroupInputFiles > 0, "the maximum files per group must be positive")
        try check(options.deleteFileThreshold >= 0, "the delete-file threshold must be at least 0")
        try check(
            options.deleteRatioThreshold > 0 && options.deleteRatioThreshold <= 1,
            "the delete-ratio threshold is \(options.deleteRatioThreshold) but must be in (0, 1]")
        try check((options.maxFilesToRewrite ?? 1) > 0, "max-files-to-rewrite must be positive")
        try check(!options.partialProgress || options.maxCommits > 0, "max-commits must be positive")
        try check(options.maxConcurrentGroups > 0, "the number of concurrent groups must be positive")
    }

    /// The largest file a group writes: the target plus half the way to the maximum.
    var writeMaxFileSize: Int64 { target + (maxSize - target) / 2 }

    func tooManyDeletes(_ t: FileScanTask) -> Bool { t.deletes.count >= options.deleteFileThreshold }

    func tooHighDeleteRatio(_ t: FileScanTask) -> Bool {
        guard t.file.recordCount > 0 else { return false }
        let known = t.fileScopedDeletes.reduce(Int64(0)) { $0 + $1.recordCount }
        return Double(min(known, t.file.recordCount)) / Double(t.file.recordCount) >= options.deleteRatioThreshold
    }

    /// Whether a file of `bytes` is under the minimum or over the maximum size.
    func outsideSizeRange(_ bytes: Int64) -> Bool { bytes < minSize || bytes > maxSize }

    func selected(_ t: FileScanTask) -> Bool {
        outsideSizeRange(t.file.fileSizeInBytes) || tooManyDeletes(t) || tooHighDeleteRatio(t)
    }

    /// Items packed in order into groups of at most `maxFileGroupSizeBytes` and
    /// `maxFileGroupInputFiles` (Java's `ListPacker` with a lookback of one); an item larger
    /// than a group is a group of its own.
    func pack<T>(_ items: [T], size: (T) -> Int64) -> [[T]] {
        var groups: [[T]] = []
        var current: [T] = []
        var weight: Int64 = 0
        for item in items {
            let w = size(item)
            if !current.isEmpty
                && (weight + w > options.maxFileGroupSizeBytes || current.count >= options.maxFileGroupInputFiles)
            {
                groups.append(current)
                current = []
                weight = 0
            }
            current.append(item)
            weight += w
        }
        if !current.isEmpty { groups.append(current) }
        return groups
    }

    /// Whether a group of `count` files of `size` bytes is worth rewriting by size alone:
    /// enough files, more bytes than the target, or more than the maximum.
    func worthRewriting(count: Int, size: Int64) -> Bool {
        (count > 1 && count >= options.minInputFiles) || (count > 1 && size > target) || size > maxSize
    }

    func worthRewriting(_ group: [FileScanTask]) -> Bool {
        worthRewriting(count: group.count, size: group.reduce(Int64(0)) { $0 + $1.file.fileSizeInBytes })
            || group.contains(where: tooManyDeletes) || group.contains(where: tooHighDeleteRatio)
    }

    /// How many files `inputSize` bytes become: the remainder gets a file of its own only when
    /// it is above the minimum size or spreading it would make files over 110% of the target.
    func expectedOutputFiles(_ inputSize: Int64) -> Int {
        guard inputSize >= target else { return 1 }
        let withRemainder = (inputSize + target - 1) / target
        let withoutRemainder = inputSize / target
        if inputSize % target > minSize { return Int(withRemainder) }
        let average = Double(inputSize / withoutRemainder)
        return average < min(1.1 * Double(target), Double(writeMaxFileSize))
            ? Int(withoutRemainder) : Int(withRemainder)
    }

    /// The bytes each output file takes: the input spread over the expected files (plus
    /// Java's 5 KB split overhead), at least the target and at most the largest file.
    func splitSize(_ inputSize: Int64) -> Int64 {
        let estimate = inputSize / Int64(expectedOutputFiles(inputSize)) + 5 * 1024
        return estimate < target ? target : min(estimate, writeMaxFileSize)
    }

    /// The groups of `tasks` (all of one snapshot), per partition of the default spec; files
    /// of other specs are grouped together, as one partition.
    func groups(_ tasks: [FileScanTask], metadata m: TableMetadata) throws -> [RewriteFileGroup] {
        let spec = m.defaultSpec
        var byPartition: [[Literal?]: [FileScanTask]] = [:]
        for t in tasks {
            byPartition[t.specId == spec.specId ? t.file.partition : [], default: []].append(t)
        }
        let partitionType = try spec.partitionType(m.currentSchema)
        let keys = byPartition.keys.sorted { RewriteManifests.compare($0, $1, partitionType) < 0 }
        var out: [RewriteFileGroup] = []
        var rewritten = 0
        for key in keys {
            let files = byPartition[key] ?? []
            let candidates = options.rewriteAll ? files : files.filter(selected)
            var packed = pack(candidates) { $0.file.fileSizeInBytes }
            if !options.rewriteAll { packed = packed.filter(worthRewriting) }
            let label = zip(spec.fields, key).map { f, v in
                "\(f.name)=\(f.transform.pathValue(v, source: m.currentSchema.field(id: f.sourceId)?.type ?? .string))"
            }.joined(separator: "/")
            for (i, var group) in packed.enumerated() {
                if let limit = options.maxFilesToRewrite {
                    guard rewritten < limit else { break }
                    group = Array(group.prefix(limit - rewritten))
                }
                rewritten += group.count
                let size = group.reduce(Int64(0)) { $0 + $1.file.fileSizeInBytes }
                out.append(
                    RewriteFileGroup(
                        index: out.count + 1, partitionIndex: i + 1, partition: label,
                        files: group.map {
                            RewriteInputFile(
                                path: $0.file.filePath, sizeBytes: $0.file.fileSizeInBytes,
                                recordCount: $0.file.recordCount, deletes: $0.deletes.map(SnapshotProducer.deleteKey))
                        },
                        splitSizeBytes: splitSize(size), maxOutputFileSizeBytes: writeMaxFileSize,
                        expectedOutputFiles: expectedOutputFiles(size)))
            }
        }
        return out
    }
}

extension Table {
    /// Plans a rewrite of the data files of a branch (see `RewriteDataFilesOptions`): the
    /// groups of files worth rewriting at the branch's head, by Java's size-based planner.
    /// Nothing is written. An empty branch gives a plan without groups.
    public func planRewrite(_ options: RewriteDataFilesOptions = RewriteDataFilesOptions()) async throws
        -> RewritePlan
    {
        let m = metadata
        let planner = try RewritePlanner(options, metadata: m)
        let outputSpecId = options.outputSpecId ?? m.defaultSpecId
        guard m.spec(id: outputSpecId) != nil else {
            throw CatalogError.invalidArgument("output spec \(outputSpecId) is not in the table")
        }
        var sortFields: [SortField] = []
        var sortOrderId = 0
        var strategy = options.strategy
        if strategy == .auto {
            strategy = m.defaultSortOrder.fields.isEmpty && options.sortOrder == nil ? .binpack : .sort
        }
        switch strategy {
        case .binpack, .auto:
            sortFields = m.defaultSortOrder.fields
            sortOrderId = m.defaultSortOrder.orderId
        case .sort:
            if let terms = options.sortOrder {
                sortFields = try SortTerm.resolve(terms, in: m.currentSchema, orderId: 0).fields
                sortOrderId = m.sortOrders.first { $0.fields == sortFields && !sortFields.isEmpty }?.orderId ?? 0
            } else {
                sortFields = m.defaultSortOrder.fields
                sortOrderId = m.defaultSortOrder.orderId
            }
            guard !sortFields.isEmpty else {
                throw CatalogError.invalidArgument(
                    "the sort strategy needs a sort order: the table has none, and none was given")
            }
        }
        guard let head = m.head(of: options.branch) else {
            if options.branch != "main" && m.ref(options.branch) == nil {
                throw CatalogError.invalidArgument("branch \(options.branch) does not exist")
            }
            return RewritePlan(
                branch: options.branch, startingSnapshotId: -1, dataSequenceNumber: nil, outputSpecId: outputSpecId,
                strategy: strategy, sortOrder: [], sortOrderId: 0, groups: [],
                partialProgress: options.partialProgress, maxCommits: options.maxCommits,
                maxConcurrentGroups: options.maxConcurrentGroups)
        }
        let tasks = try await TableScan(metadata: m, io: io, snapshotId: head.snapshotId).filtered(options.filter)
            .planFiles()
        let groups = try planner.groups(tasks, metadata: m)
        let planned = Set(groups.flatMap { $0.files.map(\.path) })
        var plan = RewritePlan(
            branch: options.branch, startingSnapshotId: head.snapshotId,
            dataSequenceNumber: options.useStartingSequenceNumber && m.formatVersion >= 2 ? head.sequenceNumber : nil,
            outputSpecId: outputSpecId, strategy: strategy,
            sortOrder: sortFields.map {
                PlannedSortField(
                    sourceId: $0.sourceId, transform: $0.transform.description, direction: $0.direction.rawValue,
                    nullOrder: $0.nullOrder.rawValue)
            },
            sortOrderId: sortOrderId, groups: groups, partialProgress: options.partialProgress,
            maxCommits: options.maxCommits, maxConcurrentGroups: options.maxConcurrentGroups)
        for t in tasks where planned.contains(t.file.filePath) { plan.tasks[t.file.filePath] = t }
        return plan
    }
}
