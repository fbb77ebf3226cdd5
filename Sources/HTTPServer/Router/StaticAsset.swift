import Foundation
import HTTPTypes

/// A file served from memory with an ETag. Requested with `?v=<etag>` (as `url` gives it),
/// it is cached for a year; without, browsers revalidate and get 304 when unchanged.
///
/// ```swift
/// let css = StaticAsset(path: "/assets/site.css", contentType: "text/css; charset=utf-8", contents: Data(css.utf8))
/// routes.append(css.route())
/// layout.stylesheet = css.url   // "/assets/site.css?v=3f2a..."
/// ```
public struct StaticAsset: Sendable {
    public let path: String
    public let contentType: String
    public let contents: Data
    public let etag: String

    public init(path: String, contentType: String, contents: Data) {
        self.path = path
        self.contentType = contentType
        self.contents = contents
        // FNV-1a over the bytes: stable across runs and builds, enough to tell versions apart.
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in contents {
            hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3
        }
        self.etag = String(hash, radix: 16)
    }

    /// The URL to put in pages: the path with the version.
    public var url: String { "\(path)?v=\(etag)" }

    public func route(exposure: Exposure = .public) -> Route {
        let asset = self
        return Route(.get, path, exposure: exposure, access: .anyone) { request in
            var fields = HTTPFields()
            fields[.eTag] = "\"\(asset.etag)\""
            fields[.cacheControl] = request.query["v"] == asset.etag ? "public, max-age=31536000, immutable" : "no-cache"
            if let match = request.headerFields[.ifNoneMatch],
               match.split(separator: ",").contains(where: { $0.trimmingSpacesAndTabs() == "\"\(asset.etag)\"" || $0.trimmingSpacesAndTabs() == "*" }) {
                return Response(status: .notModified, headerFields: fields)
            }
            fields[.contentType] = asset.contentType
            return Response(status: .ok, headerFields: fields, body: asset.contents)
        }
    }
}
