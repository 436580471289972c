import ArgumentParser
import Iceberg
import JSONSupport

struct CherryPickCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cherry-pick",
        abstract: "Apply a snapshot of another branch to main: fast-forward, or re-append an append's files.")
    @OptionGroup var options: CatalogOptions
    @Argument(help: "NAMESPACE.TABLE") var table: String
    @Argument(help: "The snapshot id.") var snapshotId: Int64
    func run() async throws { try await commitSnapshots(options, table, [.cherryPick(snapshotId)]) }
}
