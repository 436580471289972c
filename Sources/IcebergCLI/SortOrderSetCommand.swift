import ArgumentParser
import Iceberg
import JSONSupport

extension SortOrderCommand {
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
