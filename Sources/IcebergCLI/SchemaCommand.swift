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

}

extension SchemaCommand {
}
