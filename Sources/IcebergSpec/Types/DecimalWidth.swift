extension IcebergType {
    /// Bytes needed to store a decimal of this precision as FIXED_LEN_BYTE_ARRAY.
    package static func decimalBytes(precision: Int) -> Int {
        var n = 1
        while true {
            // Largest positive value in n bytes: 2^(8n-1) - 1; it must hold 10^precision - 1.
            let bits = 8 * n - 1
            if Double(bits) * 0.30102999566398120 >= Double(precision) { return n }
            n += 1
        }
    }
}
