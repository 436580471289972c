/// `body` applied to every item, at most `limit` at a time (manifests read in parallel
/// without opening them all at once); the results in the items' order.
func mapConcurrently<T: Sendable, R: Sendable>(
    _ items: [T], limit: Int = 8, _ body: @escaping @Sendable (T) async throws -> R
) async throws -> [R] {
    try await withThrowingTaskGroup(of: (Int, R).self) { group in
        var next = 0
        var out = [R?](repeating: nil, count: items.count)
        func add() {
            let i = next
            next += 1
            group.addTask { (i, try await body(items[i])) }
        }
        while next < min(items.count, limit) { add() }
        while let (i, result) = try await group.next() {
            out[i] = result
            if next < items.count { add() }
        }
        return out.map { $0! }
    }
}
