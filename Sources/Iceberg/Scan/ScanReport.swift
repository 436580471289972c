import Parquet
import Synchronization

/// What a scan pruned and read, at each level: manifests and files in planning, then row
/// groups, pages and bytes of the data files read.
public struct ScanReport: Sendable, Hashable {
    /// Manifests skipped by their partition summaries.
    public var manifestsPruned = 0
    /// Data files skipped by their partition tuple.
    public var filesPrunedByPartition = 0
    /// Data files skipped by their column metrics (bounds, null and NaN counts).
    public var filesPrunedByMetrics = 0
    /// Data files planned (read or opened).
    public var dataFiles = 0
    /// Live delete files of the snapshot (each read once, for the data files it applies to).
    public var deleteFiles = 0
    /// Row groups of the data files opened.
    public var rowGroups = 0
    /// Row groups skipped by their column statistics.
    public var rowGroupsPrunedByStatistics = 0
    /// Row groups skipped by the Bloom filters of their column chunks.
    public var rowGroupsPrunedByBloomFilter = 0
    /// Row groups whose every page the column index rules out.
    public var rowGroupsPrunedByPageIndex = 0
    /// Pages of the filter's columns whose column index entries were tested.
    public var pagesIndexed = 0
    /// Of those, the pages whose min, max and null counts rule the filter out.
    public var pagesPrunedByPageIndex = 0
    /// Data pages decoded, of every column read.
    public var pagesDecoded = 0
    /// Data pages skipped without decoding (no selected row in them).
    public var pagesSkipped = 0
    /// Rows of the filter's columns decoded and tested.
    public var rowsTested = 0
    /// Rows returned.
    public var rowsReturned = 0
    /// Bytes read from the data files (footers, page indexes, Bloom filters, pages).
    public var bytesRead = 0
    /// Reads issued to the data files.
    public var reads = 0

    /// Nothing counted yet.
    public init() {}

    /// The report as lines of text, as `iceberg scan --explain` prints it.
    public var lines: [String] {
        [
            "manifests pruned by partition summaries: \(manifestsPruned)",
            "data files: \(dataFiles) read, \(filesPrunedByPartition) pruned by partition, \(filesPrunedByMetrics) pruned by column metrics",
            "delete files in the snapshot: \(deleteFiles)",
            "row groups: \(rowGroups) in the files read, \(rowGroupsPrunedByStatistics) pruned by statistics, \(rowGroupsPrunedByBloomFilter) by Bloom filters, \(rowGroupsPrunedByPageIndex) by the page index",
            "pages: \(pagesPrunedByPageIndex) of \(pagesIndexed) filter-column pages pruned by the page index; \(pagesDecoded) decoded, \(pagesSkipped) skipped",
            "rows: \(rowsTested) tested against the filter, \(rowsReturned) returned",
            "bytes read: \(bytesRead) in \(reads) reads",
        ]
    }
}

/// Collects a `ScanReport` while a scan runs (pass it to `TableScan.batches(metrics:)`).
public final class ScanMetrics: Sendable {
    private struct State {
        var report = ScanReport()
        /// The counters of the data files opened (not the readers: their files stay closable),
        /// whose pages and bytes are counted as they are read.
        var counters: [ReadCounter] = []
    }
    private let state = Mutex(State())

    /// An empty report.
    public init() {}

    /// What was counted so far.
    public var report: ScanReport {
        let (counted, counters) = state.withLock { ($0.report, $0.counters) }
        var report = counted
        for c in counters {
            let read = c.statistics
            report.pagesDecoded += read.pagesDecoded
            report.pagesSkipped += read.pagesSkipped
            report.bytesRead += read.bytesRead
            report.reads += read.reads
        }
        return report
    }

    /// Adds to the report.
    func update(_ change: (inout ScanReport) -> Void) { state.withLock { change(&$0.report) } }

    /// Counts what a data file's reader reads from now on, and its row groups.
    func opened(_ file: DataFileReader) {
        state.withLock {
            $0.counters.append(file.reader.counter)
            $0.report.rowGroups += file.rowGroupCount
        }
    }
}
