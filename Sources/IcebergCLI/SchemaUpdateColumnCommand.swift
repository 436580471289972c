import ArgumentParser
import Iceberg
import JSONSupport

extension SchemaCommand {
    struct UpdateColumn: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "update-column", abstract: "Widen a column's type, make it optional, or set its doc.")
        @OptionGroup var options: CatalogOptions
        @Argument(help: "NAMESPACE.TABLE") var table: String
        @Argument(help: "The column's path.") var path: String
        @Option(help: "A wider type: long for int, double for float, decimal(P,S) with more digits.") var type: String?
        @Flag(help: "Make the column optional.") var optional = false
        @Option(help: "Its doc.") var doc: String?
        func run() async throws {
            var changes: [SchemaChange] = []
            if let type { changes.append(.updateColumnType(path, to: try SchemaCommand.parseType(type))) }
            if optional { changes.append(.makeOptional(path)) }
            if let doc { changes.append(.updateDoc(path, doc: doc)) }
            guard !changes.isEmpty else { throw ValidationError("give --type, --optional or --doc") }
            try await SchemaCommand.commit(options, table, changes)
        }
    }
}
