import ArgumentParser
import JSONSupport
import XCTest

@testable import IcebergCLI

/// The CLI's own logic: shared options before the command, and the terminal table output.
final class IcebergCLITests: XCTestCase {
    func testSharedOptionsBeforeTheCommandMoveAfterItsPath() {
        XCTAssertEqual(
            IcebergCommand.movingSharedOptions(["--catalog", "prod", "scan", "shop.sales", "--limit", "3"]),
            ["scan", "--catalog", "prod", "shop.sales", "--limit", "3"])
        XCTAssertEqual(
            IcebergCommand.movingSharedOptions(["--output=table", "--region", "eu-west-1", "table", "list", "shop"]),
            ["table", "list", "--output=table", "--region", "eu-west-1", "shop"])
        XCTAssertEqual(
            IcebergCommand.movingSharedOptions(["scan", "t", "--catalog", "x"]), ["scan", "t", "--catalog", "x"],
            "already after")
        XCTAssertEqual(IcebergCommand.movingSharedOptions(["--help"]), ["--help"], "not a shared option")
        XCTAssertEqual(
            IcebergCommand.movingSharedOptions(["--catalog", "x"]), ["--catalog", "x"],
            "no command: left for the parser to report")
    }

    func testTableOutputAlignsAndCutsLongValues() {
        let printer = RowPrinter(format: .table)
        XCTAssertEqual(
            printer.cellText(.string(String(repeating: "x", count: 60))), String(repeating: "x", count: 39) + "…")
        XCTAssertEqual(printer.cellText(.null), "")
        XCTAssertEqual(printer.cellText(.object([("a", .int(1))])), #"{"a":1}"#)
        XCTAssertEqual(printer.cellText(.string("two\nlines")), "two lines")
        let lines = RowPrinter.tableLines(columns: ["id", "name"], rows: [["id": "1", "name": "ada"], ["id": "22"]])
        XCTAssertEqual(lines, ["id  name", "--  ----", "1   ada", "22"])
    }

    /// Every command path in the tree parses and each command has its own help text.
    func testEveryCommandParsesItsHelp() throws {
        var paths: [[String]] = []
        func walk(_ command: ParsableCommand.Type, _ path: [String]) {
            let subcommands = command.configuration.subcommands
            if subcommands.isEmpty { paths.append(path) }
            for sub in subcommands { walk(sub, path + [sub._commandName]) }
        }
        walk(IcebergCommand.self, [])
        XCTAssertGreaterThanOrEqual(paths.count, 40, "\(paths)")
        for path in paths {
            let help = IcebergCommand.helpMessage(for: try XCTUnwrap(command(at: path)))
            XCTAssertTrue(help.contains("USAGE: iceberg \(path.joined(separator: " "))"), "\(path): \(help)")
        }
    }

    private func command(at path: [String]) -> ParsableCommand.Type? {
        var current: ParsableCommand.Type = IcebergCommand.self
        for name in path {
            guard let next = current.configuration.subcommands.first(where: { $0._commandName == name }) else {
                return nil
            }
            current = next
        }
        return current
    }

    /// Arguments land in the fields the commands read; shared options may come first.
    func testArgumentsReachTheirFields() throws {
        let scan = try XCTUnwrap(
            try IcebergCommand.parseAsRoot(
                IcebergCommand.movingSharedOptions([
                    "--catalog", "sqlite:/tmp/c.db", "scan", "shop.sales", "--filter", "qty > 3", "--columns", "id,qty",
                    "--limit", "7", "--output", "table",
                ])) as? ScanCommand)
        XCTAssertEqual(scan.table, "shop.sales")
        XCTAssertEqual(scan.filter, "qty > 3")
        XCTAssertEqual(scan.columns, "id,qty")
        XCTAssertEqual(scan.limit, 7)
        XCTAssertEqual(scan.options.catalog, "sqlite:/tmp/c.db")
        XCTAssertEqual(scan.options.output, .table)

        let create = try XCTUnwrap(
            try IcebergCommand.parseAsRoot([
                "table", "create", "shop.sales", "--schema", "s.json", "--partition", "day(ts)", "--property", "a=1",
                "--property", "b=2", "--format-version", "3",
            ]) as? TableCommand.Create)
        XCTAssertEqual(create.partition, "day(ts)")
        XCTAssertEqual(create.properties, ["a=1", "b=2"])
        XCTAssertEqual(create.formatVersion, 3)

        let delete = try XCTUnwrap(
            try IcebergCommand.parseAsRoot(["delete", "t.x", "--filter", "id = 1", "--mode", "merge-on-read"])
                as? DeleteCommand)
        XCTAssertEqual(delete.mode, "merge-on-read")
        XCTAssertEqual(delete.branch, "main")

        XCTAssertThrowsError(try IcebergCommand.parseAsRoot(["scan"]), "the table is required")
        XCTAssertThrowsError(try IcebergCommand.parseAsRoot(["scan", "t.x", "--limit", "many"]))
        XCTAssertThrowsError(try IcebergCommand.parseAsRoot(["table", "create", "t.x"]), "--schema is required")
        XCTAssertThrowsError(try IcebergCommand.parseAsRoot(["no-such-command"]))
        XCTAssertEqual(try parseProperties(["k=v=w", "a=b"]).map { "\($0.0)|\($0.1)" }, ["k|v=w", "a|b"])
        XCTAssertThrowsError(try parseProperties(["=v"]))
        XCTAssertThrowsError(try parseProperties(["novalue"]))
    }
}
