extension Array where Element: BitwiseCopyable {
    /// Appends `count` elements that `initialize` writes straight into the array's storage —
    /// no zero fill first, no temporary buffer. `initialize` must write every one of them; it
    /// is called even for none (with an empty buffer, whose base address may be nil), so work
    /// nested inside it still happens. Decoders use it to grow their output a page at a time.
    mutating func appendInPlace(count: Int, _ initialize: (UnsafeMutableBufferPointer<Element>) -> Void) {
        guard count > 0 else { return initialize(UnsafeMutableBufferPointer(start: nil, count: 0)) }
        withoutActuallyEscaping(initialize) { append(contentsOf: InPlaceElements(count: count, initialize: $0)) }
    }
}

/// A sequence of `count` elements that writes itself into the destination it is copied to:
/// `Array.append(contentsOf:)` hands its spare capacity to `_copyContents(initializing:)`, so
/// the elements are initialized in place.
private struct InPlaceElements<Element>: Sequence {
    let count: Int
    let initialize: (UnsafeMutableBufferPointer<Element>) -> Void

    var underestimatedCount: Int { count }

    func makeIterator() -> EmptyCollection<Element>.Iterator { EmptyCollection().makeIterator() }

    func _copyContents(initializing buffer: UnsafeMutableBufferPointer<Element>)
        -> (EmptyCollection<Element>.Iterator, Int)
    {
        precondition(buffer.count >= count, "no room for the elements written in place")
        initialize(UnsafeMutableBufferPointer(rebasing: buffer[0..<count]))
        return (makeIterator(), count)
    }
}
