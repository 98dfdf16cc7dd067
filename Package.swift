// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "Sijil",
    platforms: [.macOS(.v14)],
    products: [
        .library(name: "Raft", targets: ["Raft"]),
        .library(name: "Storage", targets: ["Storage"]),
    ],
    dependencies: [],
    targets: [
        .target(name: "Raft"),
        .testTarget(name: "RaftTests", dependencies: ["Raft"]),
        .systemLibrary(
            name: "CRocksDB",
            pkgConfig: "rocksdb",
            providers: [.apt(["librocksdb-dev"])]
        ),
        .target(name: "Storage", dependencies: ["CRocksDB"]),
        .testTarget(name: "StorageTests", dependencies: ["Storage"]),
    ]
)
