import ArgumentParser

/// The `iceberg` command-line tool.
@main
struct IcebergCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "iceberg",
        abstract: "Write, read and inspect Apache Iceberg tables and Parquet files.",
        discussion:
            "The shared options (--catalog, --token, --credential, --region, --profile, --output) may also come before the command.",
        subcommands: [
            NamespaceCommand.self, TableCommand.self, AppendCommand.self, ScanCommand.self, SnapshotsCommand.self,
            DeleteCommand.self, OverwriteCommand.self, UpsertCommand.self, ChangesCommand.self, StreamCommand.self,
            SchemaCommand.self,
            PartitionCommand.self, SortOrderCommand.self,
            RollbackCommand.self,
            CherryPickCommand.self, RefCommand.self,
            ExpireSnapshotsCommand.self, RemoveOrphanFilesCommand.self, RewriteManifestsCommand.self,
            RewriteDataFilesCommand.self, RewritePositionDeletesCommand.self, MaintainCommand.self,
            MaintenanceCommand.self,
            DescribeCommand.self, FilesCommand.self,
            InspectCommand.self,
            ServeCommand.self,
            ParquetCommand.self,
        ]
    )

    /// Runs the command line, with shared options given before the command moved after it.
    static func main() async {
        await main(movingSharedOptions(Array(CommandLine.arguments.dropFirst())))
    }

    /// `--catalog prod scan t` → `scan t --catalog prod`: leading shared options (as
    /// `--name value` or `--name=value`) go after the command path (`table create`, …).
    static func movingSharedOptions(_ args: [String]) -> [String] {
        var leading: [String] = []
        var i = 0
        while i < args.count, args[i].hasPrefix("--") {
            let name = String(args[i].split(separator: "=", maxSplits: 1)[0])
            guard CatalogOptions.sharedOptionNames.contains(name) else { break }
            leading.append(args[i])
            if !args[i].contains("="), i + 1 < args.count {
                leading.append(args[i + 1])
                i += 1
            }
            i += 1
        }
        guard !leading.isEmpty else { return args }
        var rest = Array(args[i...])
        var commands: [ParsableCommand.Type] = configuration.subcommands
        var pathLength = 0
        while pathLength < rest.count,
            let next = commands.first(where: { $0._commandName == rest[pathLength] })
        {
            pathLength += 1
            commands = next.configuration.subcommands
        }
        guard pathLength > 0 else { return args }
        rest.insert(contentsOf: leading, at: pathLength)
        return rest
    }
}
