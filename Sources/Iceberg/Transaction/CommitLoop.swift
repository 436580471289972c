/// The SDK's one commit retry loop, for one table (`Transaction`) or several committed
/// together (`MultiTableTransaction`).
///
/// Each attempt applies every table's actions to the table as the catalog holds it and sends
/// the resulting updates with the requirements derived from them. When another commit landed
/// first, the loop waits (per the first table's `commit.retry.*`), refreshes every table and
/// applies the actions again. Files an attempt wrote are deleted when it loses; files reused
/// across attempts and data files the transaction wrote are deleted when it fails. When the
/// outcome is unknown (`CatalogError.commitStateUnknown`) the loop reloads the tables and
/// looks for the snapshots it added: found, the commit landed; otherwise the unknown outcome
/// is reported and nothing is deleted.
struct CommitLoop {
    /// One table's part: where it started, its actions, and the version the next attempt
    /// builds on.
    struct Part {
        /// The table as it was when the transaction began.
        let start: Table
        /// The handle to hold the committed version.
        let origin: Table
        /// The actions, in order (kept between attempts: they may reuse what they wrote).
        var actions: [any TableAction]
        /// The table as the catalog held it at the last refresh.
        var base: Table
        /// Files written once and reused by later attempts.
        var reused: [String] = []
        /// Properties every snapshot of the part adds to its summary.
        var snapshotProperties: [(String, String)] = []
    }

    /// Sends one attempt's changes (one `TableCommit` per part with updates, in part order)
    /// and returns the committed tables in the same order.
    typealias Send = @Sendable ([TableCommit]) async throws -> [Table]

    let catalog: any Catalog
    var parts: [Part]

    /// Runs the loop; returns each part's committed table (its base when it had nothing to
    /// change) and its actions as applied in the attempt that landed.
    mutating func run(send: Send) async throws -> [(table: Table, actions: [any TableAction])] {
        let policy = try CommitRetryPolicy(parts[0].start.metadata)
        var attempt = 0
        var stalled = 0
        while true {
            attempt += 1
            var changes: [PendingChanges] = []
            for i in parts.indices {
                var pending = PendingChanges(
                    base: parts[i].base, startingMetadata: parts[i].start.metadata, attempt: attempt,
                    snapshotProperties: parts[i].snapshotProperties)
                do {
                    for k in parts[i].actions.indices { try await parts[i].actions[k].apply(to: &pending) }
                } catch {
                    changes.append(pending)
                    parts[i].reused = Self.adding(pending.reusedFiles, to: parts[i].reused)
                    await discard(attemptFiles: changes, reused: true)
                    throw error
                }
                changes.append(pending)
                parts[i].reused = Self.adding(pending.reusedFiles, to: parts[i].reused)
            }
            let changing = parts.indices.filter { !changes[$0].updates.isEmpty }
            guard !changing.isEmpty else {
                await discard(attemptFiles: changes, reused: true)
                for part in parts { part.origin.hold(part.base) }
                return parts.map { ($0.base, $0.actions) }
            }
            let commits = changing.map { i in
                TableCommit(
                    identifier: parts[i].base.identifier,
                    requirements: UpdateRequirements.forUpdates(
                        changes[i].updates, base: parts[i].base.metadata, extra: changes[i].extraRequirements),
                    updates: changes[i].updates)
            }
            do {
                // What the commit will point at is on the disk before it is sent.
                for i in changing { try await parts[i].base.io.sync() }
                let committed = try await send(commits)
                return await finish(committed: committed, changing: changing)
            } catch CatalogError.commitStateUnknown(let message) {
                // The commit may have landed: look for it before anything else (Java's
                // commit-status check). Landed or not known, every file stays.
                if let landed = await landedTables(commits, changing: changing) {
                    return await finish(committed: landed, changing: changing)
                }
                throw CatalogError.commitStateUnknown(message)
            } catch CatalogError.commitConflict(let message) {
                await discard(attemptFiles: changes, reused: false)
                do {
                    // Progress is judged on the table as the conflict left it; the next attempt
                    // builds on the table as it is after the wait (other writers go on landing).
                    var moved = false
                    for part in parts {
                        let refreshed = try await catalog.loadTable(part.base.identifier)
                        if refreshed.metadataLocation != part.base.metadataLocation { moved = true }
                    }
                    if !moved { stalled += 1 }
                    guard policy.mayRetry(stalledConflicts: stalled) else {
                        throw CatalogError.commitConflict("\(message) (gave up after \(attempt) attempts)")
                    }
                    try await policy.wait(after: attempt)
                    for i in parts.indices { parts[i].base = try await catalog.loadTable(parts[i].base.identifier) }
                } catch {
                    await discard(attemptFiles: [], reused: true)
                    throw error
                }
            } catch {
                await discard(attemptFiles: changes, reused: true)
                throw error
            }
        }
    }

    /// Hands the committed tables to their handles and actions; returns every part's table.
    private mutating func finish(committed: [Table], changing: [Int]) async -> [(
        table: Table, actions: [any TableAction]
    )] {
        var results = parts.map { (table: $0.base, actions: $0.actions) }
        for (k, i) in changing.enumerated() {
            let table = withCatalog(committed[k])
            parts[i].origin.hold(table)
            for a in parts[i].actions.indices { await parts[i].actions[a].finish(committed: table) }
            results[i] = (table, parts[i].actions)
        }
        return results
    }

    /// After an unknown outcome: the tables as they are now if the commit landed — every
    /// snapshot it added is in its table — or nil when it did not or cannot be told (a commit
    /// that adds no snapshot, a table that does not load).
    private func landedTables(_ commits: [TableCommit], changing: [Int]) async -> [Table]? {
        var tables: [Table] = []
        for (k, i) in changing.enumerated() {
            let added = commits[k].updates.compactMap { u -> Int64? in
                if case .addSnapshot(let s) = u { return s.snapshotId }
                return nil
            }
            guard !added.isEmpty, let now = try? await catalog.loadTable(parts[i].base.identifier),
                added.allSatisfy({ now.metadata.snapshot(id: $0) != nil })
            else { return nil }
            tables.append(now)
        }
        return tables
    }

    /// The committed table as a handle that commits through this loop's catalog (a catalog
    /// answering for another may leave it out).
    private func withCatalog(_ table: Table) -> Table {
        guard table.catalog == nil else { return table }
        return Table(
            identifier: table.identifier, metadata: table.metadata, metadataLocation: table.metadataLocation,
            io: table.io, catalog: catalog)
    }

    /// Deletes the files `attemptFiles` wrote for one attempt and, with `reused`, the files the
    /// parts reuse across attempts — each through its own table's storage.
    private func discard(attemptFiles: [PendingChanges], reused: Bool) async {
        for (i, part) in parts.enumerated() {
            var paths = i < attemptFiles.count ? attemptFiles[i].attemptFiles : []
            if reused { paths = Self.adding(part.reused, to: paths) }
            guard !paths.isEmpty else { continue }
            try? await part.base.io.delete(paths)
        }
    }

    private static func adding(_ paths: [String], to list: [String]) -> [String] {
        var out = list
        for p in paths where !out.contains(p) { out.append(p) }
        return out
    }
}
