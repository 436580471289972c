import ArgumentParser
import Iceberg
import JSONSupport

extension SchemaCommand {
    struct AddColumn: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "add-column", abstract: "Add a column.")
        @OptionGroup var options: CatalogOptions
        @Argument(help: "NAMESPACE.TABLE") var table: String
        @Argument(help: "The new column; a dotted path adds it inside a struct.") var name: String
        @Argument(help: "Its type: long, decimal(10,2), '{\"type\":\"list\",…}'.") var type: String
        @Option(help: "Place it after this sibling.") var after: String?
        @Option(help: "Place it before this sibling.") var before: String?
        @Flag(help: "Place it first among its siblings.") var first = false
        @Option(help: "Its doc.") var doc: String?
        @Flag(help: "Make it required (needs --default, format v3).") var required = false
        @Option(help: "Its initial and write default, a JSON value (format v3).") var `default`: String?
        func run() async throws {
            let parts = name.split(separator: ".").map(String.init)
            let parent = parts.count > 1 ? parts.dropLast().joined(separator: ".") : nil
            let leaf = parts.last ?? name
            let value = try `default`.map { try JSONValue.parse($0) }
            var changes: [SchemaChange] = [
                .addColumn(
                    parent: parent, name: leaf, type: try SchemaCommand.parseType(type), doc: doc, required: required,
                    defaultValue: value)
            ]
            if first { changes.append(.moveFirst(name)) }
            if let after { changes.append(.moveAfter(name, sibling: after)) }
            if let before { changes.append(.moveBefore(name, sibling: before)) }
            try await SchemaCommand.commit(options, table, changes)
        }
    }
}
