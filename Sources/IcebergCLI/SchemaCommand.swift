import ArgumentParser
import Iceberg
import JSONSupport

struct SchemaCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "schema",
        abstract: "Evolve a table's schema: add, rename, drop, update and move columns, set identifier fields.",
        discussion: """
            Each command is one commit and prints {"table", "schema-id", "metadata"}. Columns are dotted \
            paths; 'element' and 'value' step into lists and maps. A change that breaks an evolution rule \
            exits non-zero naming the column and the rule, and commits nothing.
            """,
        subcommands: [
            AddColumn.self, RenameColumn.self, DropColumn.self, UpdateColumn.self, MoveColumn.self,
            SetIdentifierFields.self, Union.self,
        ])

    /// Commits the changes and prints the new schema id.
    static func commit(
        _ options: CatalogOptions, _ table: String, _ changes: [SchemaChange], caseSensitive: Bool = true,
        incompatible: Bool = false
    ) async throws {
        try await options.commit(
            table,
            {
                try await $0.updateSchema(
                    changes, caseSensitive: caseSensitive, allowIncompatibleChanges: incompatible)
            },
            printing: { [("schema-id", .int(Int64($0.metadata.currentSchemaId)))] })
    }

    /// A type in the spec's JSON form: a primitive name (`long`, `decimal(10,2)`) or an object.
    static func parseType(_ text: String) throws -> IcebergType {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let json = trimmed.hasPrefix("{") ? try JSONValue.parse(trimmed) : .string(trimmed)
        return try IcebergType(json: json)
    }

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

    struct RenameColumn: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "rename-column", abstract: "Rename a column.")
        @OptionGroup var options: CatalogOptions
        @Argument(help: "NAMESPACE.TABLE") var table: String
        @Argument(help: "The column's path.") var path: String
        @Argument(help: "Its new name.") var newName: String
        func run() async throws { try await SchemaCommand.commit(options, table, [.renameColumn(path, to: newName)]) }
    }

    struct DropColumn: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "drop-column", abstract: "Drop a column.")
        @OptionGroup var options: CatalogOptions
        @Argument(help: "NAMESPACE.TABLE") var table: String
        @Argument(help: "The column's path.") var path: String
        func run() async throws { try await SchemaCommand.commit(options, table, [.deleteColumn(path)]) }
    }

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

    struct SetIdentifierFields: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "set-identifier-fields", abstract: "Set the columns that identify a row.")
        @OptionGroup var options: CatalogOptions
        @Argument(help: "NAMESPACE.TABLE") var table: String
        @Argument(help: "COL[,COL…] (required primitive columns).") var columns: String
        func run() async throws {
            let paths = columns.split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) }
            try await SchemaCommand.commit(options, table, [.setIdentifierFields(paths)])
        }
    }
}

extension SchemaCommand {
    struct Union: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "union",
            abstract: "Union a schema in by name: add missing columns, widen compatible ones, drop nothing.")
        @OptionGroup var options: CatalogOptions
        @Argument(help: "NAMESPACE.TABLE") var table: String
        @Option(help: "An Iceberg schema JSON file (its field ids are ignored).") var schema: String
        @Flag(help: "Match column names ignoring case.") var caseInsensitive = false
        func run() async throws {
            let other = try Schema(jsonText: try readTextFile(schema))
            try await SchemaCommand.commit(options, table, [.unionByName(other)], caseSensitive: !caseInsensitive)
        }
    }
}
