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

}
