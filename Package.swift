// swift-tools-version:6.1
import PackageDescription

// Shared by every target: Swift 6 language mode plus the upcoming features the
// Hummingbird packages use, so our code reads the same as theirs.
let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
]

let package = Package(
    name: "smartysales",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "smartysales", targets: ["smartysales"]),
        .executable(name: "mime-bench", targets: ["MIMEBench"]),
        .executable(name: "mail-bench", targets: ["MailBench"]),
        .executable(name: "token-bench", targets: ["TokenBench"]),
        .executable(name: "enrich-bench", targets: ["EnrichBench"]),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth.git", from: "2.5.0"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache.git", from: "2.1.1"),
        .package(url: "https://github.com/vapor/fluent-kit.git", from: "1.57.0"),
        .package(url: "https://github.com/vapor/fluent-sqlite-driver.git", from: "4.9.0"),
        .package(url: "https://github.com/vapor/fluent-postgres-driver.git", from: "2.14.0"),
        .package(url: "https://github.com/apple/swift-crypto.git", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/adam-fowler/compress-nio.git", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/x-sheep/swift-property-based.git", from: "2.0.1"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
    ],
    targets: [
        .target(
            name: "Domain",
            swiftSettings: swiftSettings
        ),
        .target(
            name: "MIME",
            dependencies: ["Domain"],
            swiftSettings: swiftSettings
        ),
        // The embedded e-mail classifier (tokeniser, stemmers, naive Bayes): pure Swift, no I/O.
        .target(name: "Classifier", swiftSettings: swiftSettings),
        // IMAP and SMTP clients on SwiftNIO (and later EWS): protocol only, no tenants, no storage.
        .target(
            name: "MailProtocols",
            dependencies: [
                "MIME",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        // LLM providers (OpenAI, Anthropic, DeepSeek) behind one `LLMClient`, retries, limits,
        // fallback and usage; the classification engine on top, with the embedded classifier.
        .target(
            name: "LLM",
            dependencies: [
                "Classifier",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        // Company data: the OKVED2 and region reference tables (built from the official lists by
        // scripts/data/make-reference-data.py) and the DaData / Checko / Rusprofile adapters.
        .target(
            name: "CompanyData",
            dependencies: [
                "Domain",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            resources: [.copy("Reference")],
            swiftSettings: swiftSettings
        ),
        // Local stand-ins for the cloud services we cannot reach from tests (LLM providers now;
        // data providers and payments later), speaking their documented wire formats over
        // loopback. Used by tests and benchmarks, never linked into the product.
        .target(
            name: "ProviderFakes",
            dependencies: [
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "Observability",
            dependencies: [
                "Domain",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "CompressNIO", package: "compress-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "Storage",
            dependencies: [
                "Domain",
                "Observability",
                .product(name: "FluentKit", package: "fluent-kit"),
                .product(name: "FluentSQLiteDriver", package: "fluent-sqlite-driver"),
                .product(name: "FluentPostgresDriver", package: "fluent-postgres-driver"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "Workers",
            dependencies: [
                "Domain",
                "Storage",
                "MIME",
                "MailProtocols",
                "LLM",
                "Classifier",
                "CompanyData",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "Web",
            dependencies: [
                "Domain",
                "CompanyData",
                "Storage",
                "Workers",
                "MailProtocols",
                "Observability",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "HummingbirdAuth", package: "hummingbird-auth"),
                .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
                .product(name: "HummingbirdOTP", package: "hummingbird-auth"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ],
            resources: [.copy("Resources")],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "smartysales",
            dependencies: [
                "Web",
                "Workers",
                "Storage",
                "Observability",
                "MIME",
                "Domain",
                "Classifier",
                "CompanyData",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        // The parser's side of `scripts/bench mime`: depends on MIME alone, so a release build of
        // it takes seconds.
        .executableTarget(name: "MIMEBench", dependencies: ["MIME"], swiftSettings: swiftSettings),
        // The clients' side of `scripts/bench imap` and `scripts/bench smtp`.
        .executableTarget(
            name: "MailBench",
            dependencies: ["MailProtocols", .product(name: "Logging", package: "swift-log")],
            swiftSettings: swiftSettings
        ),
        // `scripts/bench tokens`: the classification engine against the fake providers.
        .executableTarget(
            name: "TokenBench",
            dependencies: ["LLM", "ProviderFakes", "Classifier", .product(name: "Logging", package: "swift-log")],
            swiftSettings: swiftSettings
        ),
        // `scripts/bench enrich`: the enrichment job runner against the fake DaData server.
        .executableTarget(
            name: "EnrichBench",
            dependencies: ["Workers", "Storage", "Domain", "CompanyData", "Observability", "ProviderFakes", .product(name: "Logging", package: "swift-log")],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "TestSupport",
            dependencies: [
                "Storage",
                .product(name: "FluentKit", package: "fluent-kit"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Tests/TestSupport",
            swiftSettings: swiftSettings
        ),
        // The fake Exchange (EWS) server, its own target so MailProtocolsTests and WorkersTests can share it (a test target cannot import another).
        // Its `@testable import MailProtocols` needs testability: debug builds and `swift test`, not `swift build -c release` of everything.
        .target(
            name: "EWSFake",
            dependencies: [
                "MailProtocols", "MIME",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Tests/EWSFake",
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "MIMETests",
            dependencies: ["MIME", .product(name: "PropertyBased", package: "swift-property-based")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "MailProtocolsTests",
            dependencies: [
                "MailProtocols", "MIME", "EWSFake",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "LLMTests",
            dependencies: [
                "LLM", "ProviderFakes", "Classifier",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "CompanyDataTests",
            dependencies: ["CompanyData", "Domain", "ProviderFakes", .product(name: "AsyncHTTPClient", package: "async-http-client")],
            swiftSettings: swiftSettings
        ),
        .testTarget(name: "ClassifierTests", dependencies: ["Classifier"], swiftSettings: swiftSettings),
        .testTarget(name: "DomainTests", dependencies: ["Domain"], swiftSettings: swiftSettings),
        .testTarget(name: "ObservabilityTests", dependencies: ["Observability"], swiftSettings: swiftSettings),
        .testTarget(name: "StorageTests", dependencies: ["Storage", "Domain", "TestSupport", .product(name: "FluentKit", package: "fluent-kit")], swiftSettings: swiftSettings),
        .testTarget(
            name: "WorkersTests",
            dependencies: [
                "Workers", "Storage", "Domain", "TestSupport", "MailProtocols", "MIME", "LLM", "ProviderFakes", "CompanyData", "EWSFake",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "WebTests",
            dependencies: [
                "Web", "Storage", "Domain", "Workers", "TestSupport", "Observability", "ProviderFakes",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                // The reference our own template engine is checked against (TemplateEngineTests).
                .product(name: "Mustache", package: "swift-mustache"),
            ],
            swiftSettings: swiftSettings
        ),
    ]
)
