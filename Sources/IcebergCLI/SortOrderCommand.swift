import ArgumentParser
import Iceberg
import JSONSupport

struct SortOrderCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sort-order", abstract: "Set the order rows are sorted in within each data file written.",
        subcommands: [Set.self])

}
