extension Array where Element == UInt8 {
    /// Appends the decimal digits of `value` (a minus sign first when it is negative),
    /// zero-padded to at least `minimumWidth` digits: "42", "-7", "007". Without a String in
    /// between (an Int's or a Double's description showed up in log lines and chat replies).
    public mutating func appendDecimal(_ value: Int, minimumWidth: Int = 1) {
        if value < 0 { append(UInt8(ascii: "-")) }
        let magnitude = value.magnitude
        var divisor: UInt = 1, digits = 1
        while divisor <= magnitude / 10 {
            divisor *= 10
            digits += 1
        }
        for _ in digits..<Swift.max(digits, minimumWidth) { append(UInt8(ascii: "0")) }
        var rest = magnitude
        while divisor > 0 {
            append(UInt8(ascii: "0") + UInt8(rest / divisor))
            rest %= divisor
            divisor /= 10
        }
    }
}
