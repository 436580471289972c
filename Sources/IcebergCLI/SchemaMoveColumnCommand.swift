import ArgumentParser
import Iceberg
import JSONSupport

extension SchemaCommand {
    struct MoveColumn: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "move-column", abstract: "Move a column among its siblings.")
        @OptionGroup var options: CatalogOptions
        @Argument(help: "NAMESPACE.TABLE") var table: String
        @Argument(help: "The column's path.") var path: String
        @Flag(help: "Move it first.") var first = false
        @Option(help: "Move it after this sibling.") var after: String?
        @Option(help: "Move it before this sibling.") var before: String?
        func run() async throws {
            let moves: [SchemaChange] =
                (first ? [.moveFirst(path)] : []) + (after.map { [.moveAfter(path, sibling: $0)] } ?? [])
                + (before.map { [.moveBefore(path, sibling: $0)] } ?? [])
            guard moves.count == 1 else { throw ValidationError("give exactly one of --first, --after, --before") }
            try await SchemaCommand.commit(options, table, moves)
        }
    }
}
