extension Array where Element == UInt8 {
    /// Appends the decimal digits of `value` (a minus sign first when it is negative),
    /// zero-padded to at least `minimumWidth` digits: "42", "-7", "007". Without a String in
    /// between (an Int's or a Double's description showed up in log lines and chat replies).
    /// The digits are written from the right by dividing by the constant 10 (a multiplication
    /// once compiled); dividing by a running power of ten took a hardware division per digit.
    public mutating func appendDecimal(_ value: Int, minimumWidth: Int = 1) {
        if value >= 0 && value < 1000 && minimumWidth <= 3 {
            // Status codes, milliseconds, short lengths: the digits appended one by one.
            let hundreds = value / 100, tens = value / 10 % 10
            if hundreds > 0 || minimumWidth == 3 { append(UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: hundreds)) }
            if hundreds > 0 || tens > 0 || minimumWidth >= 2 { append(UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: tens)) }
            append(UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: value % 10))
            return
        }
        if value < 0 { append(UInt8(ascii: "-")) }
        var magnitude = value.magnitude
        var digits = 1
        var bound: UInt = 10
        while digits < 20 && magnitude >= bound {
            digits += 1
            if digits < 20 { bound &*= 10 }
        }
        let width = Swift.max(digits, minimumWidth)
        let start = count
        append(contentsOf: repeatElement(UInt8(ascii: "0"), count: width))
        var position = start + width - 1
        repeat {
            self[position] = UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: magnitude % 10)
            magnitude /= 10
            position -= 1
        } while magnitude > 0
    }
}
