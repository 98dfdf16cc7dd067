// swift-tools-version:6.1
// Micro-benchmarks of Sijil's hot path (ordo-one/benchmark), in their own package so that the
// main package's build and CI stay lean. Run from this folder:
//   swift package benchmark                      # every benchmark
//   swift package benchmark --filter Codec       # a subset
// See docs/BENCHMARKS.md.
import PackageDescription

let package = Package(
    name: "SijilMicroBenchmarks",
    platforms: [.macOS(.v14)],
    dependencies: [
        .package(name: "Sijil", path: "../../.."),
        .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.1", traits: ["MallocInterposer"]),
    ],
    targets: [
        .executableTarget(
            name: "HotPath",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "Registry", package: "Sijil"),
                .product(name: "RegistrySearch", package: "Sijil"),
                .product(name: "NodeCore", package: "Sijil"),
                .product(name: "Raft", package: "Sijil"),
                .product(name: "Storage", package: "Sijil"),
            ],
            path: "Benchmarks/HotPath",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        )
    ]
)
