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
}
