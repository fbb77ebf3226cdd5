import HTTPTypes

/// Header fields shared by many responses, kept also as the NUL-terminated bytes the
/// listener hands to libmicrohttpd, so that they are not converted again for every response.
public final class HeaderBlock: Sendable {
    public let fields: HTTPFields
    /// "Name\0value\0" for each field, in order.
    private let bytes: [CChar]
    /// Offsets of each field's name and value in `bytes`.
    private let offsets: [(name: Int, value: Int)]

    public init(_ fields: HTTPFields) {
        self.fields = fields
        var bytes: [CChar] = []
        var offsets: [(name: Int, value: Int)] = []
        for field in fields {
            let name = bytes.count
            bytes += field.name.rawName.utf8CString
            let value = bytes.count
            bytes += field.value.utf8CString
            offsets.append((name, value))
        }
        self.bytes = bytes
        self.offsets = offsets
    }

    /// Calls `body` with each field's name and value as C strings, valid during the call.
    public func withCStrings(_ body: (UnsafePointer<CChar>, UnsafePointer<CChar>) -> Void) {
        bytes.withUnsafeBufferPointer { buffer in
            for (name, value) in offsets {
                body(buffer.baseAddress! + name, buffer.baseAddress! + value)
            }
        }
    }
}
