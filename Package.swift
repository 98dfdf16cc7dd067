// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "Sijil",
    platforms: [.macOS(.v14)],
    products: [
        .library(name: "Raft", targets: ["Raft"]),
    ],
    dependencies: [],
    targets: [
        .target(name: "Raft"),
        .testTarget(name: "RaftTests", dependencies: ["Raft"]),
    ]
)
