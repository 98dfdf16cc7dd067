// swift-tools-version:6.1
import PackageDescription

/// What a test needs to open its own TLS connections and servers on real sockets.
let tlsSockets: [Target.Dependency] = [
    .product(name: "NIOCore", package: "swift-nio"),
    .product(name: "NIOPosix", package: "swift-nio"),
    .product(name: "NIOSSL", package: "swift-nio-ssl"),
]

let package = Package(
    name: "Sijil",
    platforms: [.macOS(.v14)],
    products: [
        .library(name: "Raft", targets: ["Raft"]),
        .library(name: "NodeCore", targets: ["NodeCore"]),
        .library(name: "Storage", targets: ["Storage"]),
        .library(name: "Transport", targets: ["Transport"]),
        .library(name: "Registry", targets: ["Registry"]),
        .library(name: "RegistrySearch", targets: ["RegistrySearch"]),
        .library(name: "Services", targets: ["Services"]),
        .library(name: "Node", targets: ["Node"]),
        .executable(name: "sijil", targets: ["sijil"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-certificates", from: "1.21.1"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/apple/swift-asn1", from: "1.7.4"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/LebJe/TOMLKit", from: "0.6.0"),
    ],
    targets: [
        .target(name: "Raft"),
        .target(
            name: "Registry",
            dependencies: [.product(name: "Crypto", package: "swift-crypto")],
            exclude: ["ReferenceData/tables", "ReferenceData/generate-reference-data.sh"]
        ),
        .target(
            name: "RegistrySearch",
            dependencies: ["Registry", .product(name: "GRDB", package: "GRDB.swift")]
        ),
        .target(
            name: "Services",
            dependencies: ["Registry", .product(name: "Crypto", package: "swift-crypto")]
        ),
        .target(name: "CCRC32C"),
        .target(name: "NodeCore", dependencies: ["Raft", "Registry", "Services", "CCRC32C"]),
        .target(
            name: "Node",
            dependencies: [
                "NodeCore", "Storage", "Transport", "Registry", "RegistrySearch", "Services",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "TOMLKit", package: "TOMLKit"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .executableTarget(
            name: "sijil",
            dependencies: [
                "Node", "Registry", "Services", "Transport",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]),
        .testTarget(
            name: "NodeTests",
            dependencies: [
                "Node", "NodeCore", "Raft", "Registry", "Services", "Transport",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"), "TestSupport",
            ] + tlsSockets),
        .testTarget(
            name: "IntegrationTests",
            dependencies: ["Node", "Registry", "Services", "TestSupport"] + tlsSockets),
        .target(name: "TestSupport", path: "Tests/Support"),
        .testTarget(
            name: "ServicesTests",
            dependencies: ["Services", "Registry", "NodeCore", .product(name: "Crypto", package: "swift-crypto")]
        ),
        .target(name: "Simulator", dependencies: ["Raft", "Registry", "NodeCore"], path: "Simulations/Simulator"),
        .executableTarget(
            name: "sijil-sim",
            dependencies: ["Simulator", .product(name: "ArgumentParser", package: "swift-argument-parser")],
            path: "Simulations/sijil-sim"),
        .testTarget(name: "RaftTests", dependencies: ["Raft"]),
        .testTarget(name: "SimulatorTests", dependencies: ["Simulator", "Raft"]),
        .testTarget(name: "NodeCoreTests", dependencies: ["NodeCore", "Raft", "Registry"]),
        .testTarget(
            name: "RegistryTests",
            dependencies: ["Registry", .product(name: "Crypto", package: "swift-crypto")],
            exclude: ["Golden"]
        ),
        .testTarget(name: "RegistrySearchTests", dependencies: ["RegistrySearch", "Registry", .product(name: "GRDB", package: "GRDB.swift")]),
        .systemLibrary(name: "CRocksDB", pkgConfig: "rocksdb", providers: [.apt(["librocksdb-dev"])]),
        .target(name: "Storage", dependencies: ["CRocksDB"]),
        .testTarget(name: "StorageTests", dependencies: ["Storage"]),
        .target(
            name: "Transport",
            dependencies: [
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOTLS", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(
            name: "TransportTests",
            dependencies: [
                "Transport",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
    ]
)
