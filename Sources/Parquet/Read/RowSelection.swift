/// Rows of one row group chosen for reading: sorted, disjoint, non-adjacent, non-empty ranges
/// of row indices within the row group.
public struct RowSelection: Sendable, Hashable, CustomStringConvertible {
    /// The selected ranges, ascending.
    public private(set) var ranges: [Range<Int>]

    /// Normalises any ranges: sorts them, drops empty ones and merges those that overlap or touch.
    public init(_ ranges: [Range<Int>]) {
        var out: [Range<Int>] = []
        for r in ranges.filter({ !$0.isEmpty }).sorted(by: { $0.lowerBound < $1.lowerBound }) {
            if let last = out.last, r.lowerBound <= last.upperBound {
                out[out.count - 1] = last.lowerBound..<max(last.upperBound, r.upperBound)
            } else {
                out.append(r)
            }
        }
        self.ranges = out
    }

    /// Every row of a row group of `rowCount` rows.
    public static func all(_ rowCount: Int) -> RowSelection { RowSelection([0..<rowCount]) }

    /// The rows of `rows` (row indices in order) whose entry in `keep` is true.
    public init(rows: RowSelection, keeping keep: [Bool]) {
        precondition(keep.count == rows.rowCount, "\(keep.count) flags for \(rows.rowCount) selected rows")
        var out: [Range<Int>] = []
        keep.withUnsafeBufferPointer { k in
            var base = 0
            for r in rows.ranges {
                let n = r.count
                var i = 0
                while i < n {
                    guard k[base + i] else {
                        i += 1
                        continue
                    }
                    var j = i + 1
                    while j < n && k[base + j] { j += 1 }
                    out.append(r.lowerBound + i..<r.lowerBound + j)
                    i = j
                }
                base += n
            }
        }
        // Runs of kept rows inside ranges that neither touch nor overlap: already normal.
        self.ranges = out
    }

    /// Number of selected rows.
    public var rowCount: Int { ranges.reduce(0) { $0 + $1.count } }

    /// Whether no row is selected.
    public var isEmpty: Bool { ranges.isEmpty }

    /// Whether every row of a row group of `rowCount` rows is selected.
    public func coversAll(_ rowCount: Int) -> Bool {
        rowCount == 0 || (ranges.count == 1 && ranges[0].lowerBound <= 0 && ranges[0].upperBound >= rowCount)
    }

    /// Whether any row of `range` is selected.
    public func overlaps(_ range: Range<Int>) -> Bool {
        guard !range.isEmpty else { return false }
        let i = firstRange(endingAfter: range.lowerBound)
        return i < ranges.count && ranges[i].lowerBound < range.upperBound
    }

    /// The rows selected in both.
    public func intersection(_ other: RowSelection) -> RowSelection {
        var out: [Range<Int>] = []
        var i = 0
        var j = 0
        while i < ranges.count && j < other.ranges.count {
            let a = ranges[i]
            let b = other.ranges[j]
            let lo = max(a.lowerBound, b.lowerBound)
            let hi = min(a.upperBound, b.upperBound)
            if lo < hi { out.append(lo..<hi) }
            if a.upperBound < b.upperBound { i += 1 } else { j += 1 }
        }
        return RowSelection(out)
    }

    /// The rows selected in either.
    public func union(_ other: RowSelection) -> RowSelection { RowSelection(ranges + other.ranges) }

    /// The selected rows within `range`, shifted so that `range.lowerBound` is row 0.
    func local(to range: Range<Int>) -> [Range<Int>] {
        var out: [Range<Int>] = []
        var i = firstRange(endingAfter: range.lowerBound)
        while i < ranges.count && ranges[i].lowerBound < range.upperBound {
            let r = ranges[i]
            out.append(
                max(r.lowerBound, range.lowerBound) - range.lowerBound..<min(r.upperBound, range.upperBound)
                    - range.lowerBound)
            i += 1
        }
        return out
    }

    /// The index of the first range that ends after `row` (`ranges.count` when none does).
    private func firstRange(endingAfter row: Int) -> Int {
        var lo = 0
        var hi = ranges.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if ranges[mid].upperBound <= row { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }

    /// The ranges, e.g. `[0..<10, 20..<25]`.
    public var description: String { "\(ranges)" }
}
