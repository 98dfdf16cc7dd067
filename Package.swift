// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "Sijil",
    platforms: [.macOS(.v14)],
    products: [
        .library(name: "Raft", targets: ["Raft"]),
        .library(name: "NodeCore", targets: ["NodeCore"]),
        .library(name: "Storage", targets: ["Storage"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    ],
    targets: [
        .target(name: "Raft"),
        .target(name: "NodeCore", dependencies: ["Raft"]),
        .target(name: "Simulator", dependencies: ["Raft", "NodeCore"], path: "Simulations/Simulator"),
        .executableTarget(
            name: "sijil-sim",
            dependencies: ["Simulator", .product(name: "ArgumentParser", package: "swift-argument-parser")],
            path: "Simulations/sijil-sim"),
        .testTarget(name: "RaftTests", dependencies: ["Raft"]),
        .systemLibrary(name: "CRocksDB", pkgConfig: "rocksdb", providers: [.apt(["librocksdb-dev"])]),
        .target(name: "Storage", dependencies: ["CRocksDB"]),
        .testTarget(name: "StorageTests", dependencies: ["Storage"]),
    ]
)
