/// Variable-length byte strings stored contiguously, Arrow style: `offsets[i]..<offsets[i+1]`
/// indexes value `i` in `data`. `offsets` always has `count + 1` entries.
public struct ByteArrayBuffer: Sendable, Hashable {
    /// Concatenated value bytes.
    public var data: [UInt8]
    /// Start offsets with a trailing end offset.
    public var offsets: [Int32]

    /// Creates an empty buffer with capacity hints.
    public init(capacity: Int = 0, byteCapacity: Int = 0) {
        data = []
        data.reserveCapacity(byteCapacity)
        offsets = [0]
        offsets.reserveCapacity(capacity + 1)
    }

    /// Creates a buffer from raw parts; `offsets` must start at 0 and be non-decreasing.
    public init(data: [UInt8], offsets: [Int32]) {
        self.data = data
        self.offsets = offsets
    }

    /// Creates a buffer holding the UTF-8 bytes of each string.
    public init(strings: [String]) {
        self.init(capacity: strings.count)
        for s in strings { append(s) }
    }

    /// Creates a buffer from byte arrays.
    public init(_ values: [[UInt8]]) {
        self.init(capacity: values.count)
        for v in values { append(v) }
    }

    /// Number of values.
    public var count: Int { offsets.count - 1 }

    /// Appends bytes as a new value.
    @inlinable
    public mutating func append<C: Collection>(_ bytes: C) where C.Element == UInt8 {
        data.append(contentsOf: bytes)
        offsets.append(Int32(truncatingIfNeeded: data.count))
    }

    /// Appends bytes as a new value (the non-generic fast path).
    @inlinable
    public mutating func append(_ bytes: UnsafeBufferPointer<UInt8>) {
        data.append(contentsOf: bytes)
        offsets.append(Int32(truncatingIfNeeded: data.count))
    }

    /// Appends a string's UTF-8 bytes.
    public mutating func append(_ string: String) {
        var s = string
        s.withUTF8 { data.append(contentsOf: $0) }
        offsets.append(Int32(truncatingIfNeeded: data.count))
    }

    /// The bytes of value `i`.
    public subscript(i: Int) -> ArraySlice<UInt8> {
        data[Int(offsets[i])..<Int(offsets[i + 1])]
    }

    /// Value `i` decoded as UTF-8.
    public func string(at i: Int) -> String {
        data.withUnsafeBufferPointer { buf in
            String(decoding: UnsafeBufferPointer(rebasing: buf[Int(offsets[i])..<Int(offsets[i + 1])]), as: UTF8.self)
        }
    }
}

/// Fixed-width byte strings stored back to back.
public struct FixedByteBuffer: Sendable, Hashable {
    /// Concatenated value bytes (`count * width`).
    public var data: [UInt8]
    /// Width of each value in bytes.
    public var width: Int

    /// Creates a buffer.
    public init(width: Int, data: [UInt8] = []) {
        self.width = width
        self.data = data
    }

    /// Number of values.
    public var count: Int { width == 0 ? 0 : data.count / width }

    /// The bytes of value `i`.
    public subscript(i: Int) -> ArraySlice<UInt8> { data[i * width..<(i + 1) * width] }

    /// Appends one value; its length must equal `width`.
    public mutating func append<C: Collection>(_ bytes: C) where C.Element == UInt8 {
        precondition(bytes.count == width, "value width \(bytes.count) != \(width)")
        data.append(contentsOf: bytes)
    }
}

/// The non-null values of one leaf column, in a contiguous typed buffer.
public enum ColumnValues: Sendable, Hashable {
    /// BOOLEAN values.
    case boolean([Bool])
    /// INT32 values (also DATE, TIME millis, small decimals, small ints).
    case int32([Int32])
    /// INT64 values (also TIMESTAMP, TIME micros/nanos, decimals ≤ 18 digits).
    case int64([Int64])
    /// INT96 values, 12 bytes each.
    case int96(FixedByteBuffer)
    /// FLOAT values.
    case float([Float])
    /// DOUBLE values.
    case double([Double])
    /// BYTE_ARRAY values (strings, binary, big decimals).
    case byteArray(ByteArrayBuffer)
    /// FIXED_LEN_BYTE_ARRAY values (UUID, fixed, decimals).
    case fixedLenByteArray(FixedByteBuffer)

    /// Number of values.
    public var count: Int {
        switch self {
        case .boolean(let v): v.count
        case .int32(let v): v.count
        case .int64(let v): v.count
        case .int96(let v): v.count
        case .float(let v): v.count
        case .double(let v): v.count
        case .byteArray(let v): v.count
        case .fixedLenByteArray(let v): v.count
        }
    }

    /// The physical type these values are stored as.
    public var physicalType: PhysicalType {
        switch self {
        case .boolean: .boolean
        case .int32: .int32
        case .int64: .int64
        case .int96: .int96
        case .float: .float
        case .double: .double
        case .byteArray: .byteArray
        case .fixedLenByteArray: .fixedLenByteArray
        }
    }

    /// An empty buffer for a physical type.
    public static func empty(_ type: PhysicalType, width: Int = 0) -> ColumnValues {
        switch type {
        case .boolean: .boolean([])
        case .int32: .int32([])
        case .int64: .int64([])
        case .int96: .int96(FixedByteBuffer(width: 12))
        case .float: .float([])
        case .double: .double([])
        case .byteArray: .byteArray(ByteArrayBuffer())
        case .fixedLenByteArray: .fixedLenByteArray(FixedByteBuffer(width: width))
        }
    }
}

/// One leaf column in Dremel form: the non-null values plus definition and repetition levels.
///
/// For a column with max definition level 0 (required, not nested) `definitionLevels` is nil
/// and there is one value per row. Otherwise there is one level entry per value slot; a slot
/// holds a value exactly when its definition level equals the column's maximum.
public struct ColumnData: Sendable, Hashable {
    /// The non-null values.
    public var values: ColumnValues
    /// Definition levels, or nil when the column's max definition level is 0.
    public var definitionLevels: [UInt8]?
    /// Repetition levels, or nil when the column's max repetition level is 0.
    public var repetitionLevels: [UInt8]?

    /// Creates column data from its parts.
    public init(values: ColumnValues, definitionLevels: [UInt8]? = nil, repetitionLevels: [UInt8]? = nil) {
        self.values = values
        self.definitionLevels = definitionLevels
        self.repetitionLevels = repetitionLevels
    }

    /// Number of level entries (value slots, nulls included).
    public var levelCount: Int { definitionLevels?.count ?? repetitionLevels?.count ?? values.count }

    /// Number of records (rows): slots with repetition level 0.
    public var rowCount: Int {
        guard let reps = repetitionLevels else { return levelCount }
        var n = 0
        for r in reps where r == 0 { n += 1 }
        return n
    }

    /// A flat optional column from values and a validity mask (`true` = present);
    /// `values` holds only the present values.
    public static func optional(_ values: ColumnValues, validity: [Bool]) -> ColumnData {
        ColumnData(values: values, definitionLevels: validity.map { $0 ? 1 : 0 })
    }
}
