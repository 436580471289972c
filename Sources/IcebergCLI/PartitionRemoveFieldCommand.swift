import ArgumentParser
import Iceberg
import JSONSupport

extension PartitionCommand {
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
}
