import ArgumentParser
import Iceberg
import JSONSupport

extension PartitionCommand {
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
}
