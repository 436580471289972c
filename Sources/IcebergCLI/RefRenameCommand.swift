import ArgumentParser
import Iceberg
import JSONSupport

extension RefCommand {
    struct Rename: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "rename", abstract: "Rename a branch (not main).")
        @OptionGroup var options: CatalogOptions
        @Argument(help: "NAMESPACE.TABLE") var table: String
        @Argument(help: "The branch.") var name: String
        @Argument(help: "Its new name.") var newName: String
        func run() async throws { try await commitSnapshots(options, table, [.renameBranch(name, to: newName)]) }
    }
}
