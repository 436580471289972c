import Testing

@testable import IcebergSpec

/// Decimal storage widths from the Iceberg spec's Parquet appendix: the minimum number of
/// bytes whose two's complement range holds every value of the precision.
@Suite struct DecimalWidthTests {
    @Test(arguments: [(1, 1), (2, 1), (3, 2), (4, 2), (9, 4), (10, 5), (18, 8), (19, 9), (20, 9), (28, 12), (38, 16)])
    func minimumBytes(precision: Int, bytes: Int) {
        #expect(IcebergType.decimalBytes(precision: precision) == bytes)
    }

    @Test(arguments: ["0.00", "-0.01", "99999999.99", "-99999999.99", "12345.60"])
    func textRoundTrips(text: String) throws {
        let unscaled = try DecimalValues.parse(text, precision: 10, scale: 2)
        #expect(DecimalValues.format(unscaled, scale: 2) == text)
        #expect(DecimalValues.unscaled(fromBigEndian: DecimalValues.bytes(unscaled, width: 5)) == unscaled)
    }
}
