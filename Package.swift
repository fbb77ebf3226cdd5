// swift-tools-version:6.2
import PackageDescription

// Kreishaus: one daemon (`kreishausd`) for a German district administration.
// Layering (see docs/ARCHITECTURE.md): features -> kernel (HTTPServer, Storage, Auth,
// WebUI, TextAnalysis) -> C shims. Only the C shims talk C.

let strict: [SwiftSetting] = [
    .swiftLanguageMode(.v6),
    .enableUpcomingFeature("ExistentialAny"),
    // Lets the optimizer inline across our modules (measured: ~15% less CPU per request).
    .unsafeFlags(["-cross-module-optimization"], .when(configuration: .release)),
]

let package = Package(
    name: "Kreishaus",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "kreishausd", targets: ["kreishausd"]),
    ],
    dependencies: [
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "4.5.2"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache.git", from: "2.1.1"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
    ],
    targets: [
        // C shims: headers, module maps and tiny glue, no logic.
        .target(
            name: "CMicroHTTPD",
            linkerSettings: [.linkedLibrary("microhttpd")]
        ),
        .target(
            name: "CICU",
            linkerSettings: [.linkedLibrary("icuuc"), .linkedLibrary("icui18n")]
        ),
        .target(
            name: "CStemmer",
            linkerSettings: [.linkedLibrary("stemmer")]
        ),
        .target(name: "CSystem"),

        // Kernel.
        .target(
            name: "HTTPServer",
            dependencies: [
                "CMicroHTTPD",
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ],
            swiftSettings: strict
        ),
        .target(
            name: "HTTPServerTesting",
            dependencies: ["HTTPServer"],
            swiftSettings: strict
        ),
        .target(
            name: "Storage",
            dependencies: [
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        .target(
            name: "TextAnalysis",
            dependencies: ["CICU", "CStemmer"],
            swiftSettings: strict
        ),
        .target(
            name: "Auth",
            dependencies: [
                "HTTPServer", "Storage",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "CryptoExtras", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        .target(
            name: "WebUI",
            dependencies: [
                "HTTPServer",
                .product(name: "Mustache", package: "swift-mustache"),
            ],
            swiftSettings: strict
        ),

        // Features.
        .target(
            name: "Chatbot",
            dependencies: [
                "HTTPServer", "Storage", "TextAnalysis", "WebUI", "CSystem",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),

        // The application: configuration, wiring, command line.
        .target(
            name: "Daemon",
            dependencies: [
                "HTTPServer", "Storage", "Auth", "WebUI", "TextAnalysis", "Chatbot",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Yams", package: "Yams"),
            ],
            swiftSettings: strict
        ),
        .executableTarget(
            name: "kreishausd",
            dependencies: ["Daemon"],
            swiftSettings: strict
        ),

        .testTarget(name: "HTTPServerTests", dependencies: ["HTTPServer", "HTTPServerTesting"], swiftSettings: strict),
        .testTarget(name: "StorageTests", dependencies: ["Storage"], swiftSettings: strict),
        .testTarget(name: "TextAnalysisTests", dependencies: ["TextAnalysis"], swiftSettings: strict),
        .testTarget(name: "AuthTests", dependencies: ["Auth", "HTTPServerTesting"], swiftSettings: strict),
        .testTarget(name: "ChatbotTests", dependencies: ["Chatbot", "HTTPServerTesting", .product(name: "HTTPTypes", package: "swift-http-types"), .product(name: "GRDB", package: "GRDB.swift")], swiftSettings: strict),
        .testTarget(
            name: "DaemonTests",
            dependencies: ["Daemon", "HTTPServerTesting", "Storage", .product(name: "GRDB", package: "GRDB.swift"), .product(name: "Yams", package: "Yams")],
            swiftSettings: strict),
    ]
)
