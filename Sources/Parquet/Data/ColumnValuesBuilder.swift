/// Builds the values of one column in place: each physical type appends to its own
/// contiguous array (only the one matching `type` is used), so readers and row shredders
/// never copy what they appended before. `columnValues()` hands the result over.
public struct ColumnValuesBuilder: Sendable {
    /// The physical type being built.
    public let type: PhysicalType
    /// Byte width of fixed-length values (12 for INT96).
    public let width: Int
    /// BOOLEAN values.
    public var booleans: [Bool] = []
    /// INT32 values.
    public var int32s: [Int32] = []
    /// INT64 values.
    public var int64s: [Int64] = []
    /// FLOAT values.
    public var floats: [Float] = []
    /// DOUBLE values.
    public var doubles: [Double] = []
    /// BYTE_ARRAY values.
    public var bytes = ByteArrayBuffer()
    /// FIXED_LEN_BYTE_ARRAY and INT96 values, back to back.
    public var fixed: [UInt8] = []

    /// Creates an empty builder for a physical type (and width for fixed-length values).
    public init(type: PhysicalType, width: Int) {
        self.type = type
        self.width = type == .int96 ? 12 : width
    }

    /// Reserves room for `n` more values.
    public mutating func reserve(_ n: Int) {
        switch type {
        case .boolean: booleans.reserveCapacity(booleans.count + n)
        case .int32: int32s.reserveCapacity(int32s.count + n)
        case .int64: int64s.reserveCapacity(int64s.count + n)
        case .float: floats.reserveCapacity(floats.count + n)
        case .double: doubles.reserveCapacity(doubles.count + n)
        case .byteArray: bytes.offsets.reserveCapacity(bytes.offsets.count + n)
        case .int96, .fixedLenByteArray: fixed.reserveCapacity(fixed.count + n * width)
        }
    }

    /// Number of values appended.
    public var count: Int {
        switch type {
        case .boolean: booleans.count
        case .int32: int32s.count
        case .int64: int64s.count
        case .float: floats.count
        case .double: doubles.count
        case .byteArray: bytes.count
        case .int96, .fixedLenByteArray: width == 0 ? 0 : fixed.count / width
        }
    }

    /// Approximate PLAIN-encoded size of the values so far.
    public var byteCount: Int {
        booleans.count / 8 + int32s.count * 4 + floats.count * 4 + int64s.count * 8 + doubles.count * 8
            + bytes.data.count + 4 * bytes.count + fixed.count
    }

    /// Keeps, of the values from index `start` on, only those flagged in `keep` (one flag each).
    public mutating func retain(from start: Int, _ keep: [Bool]) {
        func narrow<T>(_ a: inout [T], _ width: Int = 1) {
            var w = start * width
            a.withUnsafeMutableBufferPointer { p in
                for (i, k) in keep.enumerated() where k {
                    let r = (start + i) * width
                    if r != w { for b in 0..<width { p[w + b] = p[r + b] } }
                    w += width
                }
            }
            a.removeLast(a.count - w)
        }
        switch type {
        case .boolean: narrow(&booleans)
        case .int32: narrow(&int32s)
        case .int64: narrow(&int64s)
        case .float: narrow(&floats)
        case .double: narrow(&doubles)
        case .int96, .fixedLenByteArray: narrow(&fixed, width)
        case .byteArray:
            var writeByte = Int(bytes.offsets[start])
            var w = start
            bytes.data.withUnsafeMutableBufferPointer { data in
                bytes.offsets.withUnsafeMutableBufferPointer { offsets in
                    // Offsets are rewritten behind the reading position: carry each end forward.
                    var s = Int(offsets[start])
                    for (i, k) in keep.enumerated() {
                        let e = Int(offsets[start + i + 1])
                        if k {
                            if s != writeByte && e > s {
                                UnsafeMutableRawPointer(data.baseAddress! + writeByte).copyMemory(
                                    from: data.baseAddress! + s, byteCount: e - s)
                            }
                            writeByte += e - s
                            w += 1
                            offsets[w] = Int32(truncatingIfNeeded: writeByte)
                        }
                        s = e
                    }
                }
            }
            bytes.data.removeLast(bytes.data.count - writeByte)
            bytes.offsets.removeLast(bytes.offsets.count - (w + 1))
        }
    }

    /// The values built so far.
    public func columnValues() -> ColumnValues {
        switch type {
        case .boolean: .boolean(booleans)
        case .int32: .int32(int32s)
        case .int64: .int64(int64s)
        case .float: .float(floats)
        case .double: .double(doubles)
        case .byteArray: .byteArray(bytes)
        case .int96: .int96(FixedByteBuffer(width: 12, data: fixed))
        case .fixedLenByteArray: .fixedLenByteArray(FixedByteBuffer(width: width, data: fixed))
        }
    }
}
