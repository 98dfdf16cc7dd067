// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "Sijil",
    platforms: [.macOS(.v14)],
    products: [
        .library(name: "Raft", targets: ["Raft"]),
        .library(name: "Registry", targets: ["Registry"]),
        .library(name: "RegistrySearch", targets: ["RegistrySearch"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
    ],
    targets: [
        .target(name: "Raft"),
        .testTarget(name: "RaftTests", dependencies: ["Raft"]),
        .target(
            name: "Registry",
            dependencies: [.product(name: "Crypto", package: "swift-crypto")]
        ),
        .testTarget(
            name: "RegistryTests",
            dependencies: ["Registry", .product(name: "Crypto", package: "swift-crypto")],
            exclude: ["Golden"]
        ),
        .target(
            name: "RegistrySearch",
            dependencies: ["Registry", .product(name: "GRDB", package: "GRDB.swift")]
        ),
        .testTarget(name: "RegistrySearchTests", dependencies: ["RegistrySearch", "Registry"]),
    ]
)
