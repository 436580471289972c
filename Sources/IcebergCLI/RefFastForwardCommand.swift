import ArgumentParser
import Iceberg
import JSONSupport

extension RefCommand {
    struct FastForward: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "fast-forward",
            abstract: "Move branch TARGET to the head of SOURCE when TARGET's head is an ancestor of it.")
        @OptionGroup var options: CatalogOptions
        @Argument(help: "NAMESPACE.TABLE") var table: String
        @Argument(help: "The branch moved (main to publish).") var target: String
        @Argument(help: "The branch or tag it moves to.") var source: String
        func run() async throws { try await commitSnapshots(options, table, [.fastForward(target, to: source)]) }
    }
}
