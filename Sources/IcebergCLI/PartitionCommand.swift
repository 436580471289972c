import ArgumentParser
import Iceberg
import JSONSupport

struct PartitionCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "partition",
        abstract: "Evolve a table's partitioning: add, remove and rename partition fields.",
        discussion: """
            Each command is one commit and prints {"table", "spec-id", "metadata"}. The new spec becomes the \
            default: new writes use it, files written before keep theirs. A change that breaks a rule exits \
            non-zero naming the field and the rule, and commits nothing.
            """,
        subcommands: [AddField.self, RemoveField.self, RenameField.self])

    static func commit(_ options: CatalogOptions, _ table: String, _ changes: [PartitionChange]) async throws {
        try await options.commit(
            table, { try await $0.updatePartitionSpec(changes) },
            printing: { [("spec-id", .int(Int64($0.metadata.defaultSpecId)))] })
    }

    struct AddField: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "add-field", abstract: "Partition by a transform of a column.")
        @OptionGroup var options: CatalogOptions
        @Argument(help: "NAMESPACE.TABLE") var table: String
        @Argument(help: "The term: a column, or bucket(16,id), truncate(4,name), year/month/day/hour(ts).") var term:
            String
        @Option(help: "The field's name (default as Java names it: id_bucket_16, ts_day, …).") var name: String?
        func run() async throws {
            let (transform, column) = try SpecParsing.term(term)
            try await PartitionCommand.commit(
                options, table, [.addField(source: column, transform: transform, name: name)])
        }
    }

    struct RemoveField: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "remove-field",
            abstract: "Stop partitioning by a field (v1: it becomes void; v2: it is dropped).")
        @OptionGroup var options: CatalogOptions
        @Argument(help: "NAMESPACE.TABLE") var table: String
        @Argument(help: "The field's name, or its term (bucket(16,id)).") var field: String
        func run() async throws {
            let change: PartitionChange
            if field.contains("(") {
                let (transform, column) = try SpecParsing.term(field)
                change = .removeTransform(source: column, transform: transform)
            } else {
                change = .removeField(field)
            }
            try await PartitionCommand.commit(options, table, [change])
        }
    }

    struct RenameField: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "rename-field", abstract: "Rename a partition field (its id stays).")
        @OptionGroup var options: CatalogOptions
        @Argument(help: "NAMESPACE.TABLE") var table: String
        @Argument(help: "The field's name.") var name: String
        @Argument(help: "Its new name.") var newName: String
        func run() async throws { try await PartitionCommand.commit(options, table, [.renameField(name, to: newName)]) }
    }
}

struct SortOrderCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sort-order", abstract: "Set the order rows are sorted in within each data file written.",
        subcommands: [Set.self])

    struct Set: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "set",
            abstract: "Replace the sort order (one commit; prints {\"table\", \"sort-order-id\", \"metadata\"}).")
        @OptionGroup var options: CatalogOptions
        @Argument(help: "NAMESPACE.TABLE") var table: String
        @Argument(help: "Terms in priority order: \"ts desc nulls last, bucket(16,id), name\"; \"\" for unsorted.")
        var order: String
        func run() async throws {
            let terms = try SpecParsing.sortTerms(order)
            try await options.commit(
                table, { try await $0.replaceSortOrder(terms) },
                printing: { [("sort-order-id", .int(Int64($0.metadata.defaultSortOrderId)))] })
        }
    }
}
