// swift-tools-version:6.1
// Parse + validate + re-encode throughput of the XAPI library, single-threaded.
// Build and run (release, own scratch path):
//   cd Benchmarks/xapi-validate && swift run -c release --scratch-path .build xapi-validate 20000
import PackageDescription

let package = Package(
    name: "xapi-validate",
    platforms: [.macOS(.v14)],
    dependencies: [
        .package(name: "Kakehashi", path: "../..")
    ],
    targets: [
        .executableTarget(
            name: "xapi-validate",
            dependencies: [.product(name: "XAPI", package: "Kakehashi")]
        )
    ],
    swiftLanguageModes: [.v6]
)
