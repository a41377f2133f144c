// swift-tools-version: 6.1
import CompilerPluginSupport
import PackageDescription

let swiftSettings: [SwiftSetting] = [
    .swiftLanguageMode(.v6),
    .enableUpcomingFeature("ExistentialAny"),
]

let package = Package(
    name: "swift-multiprocessing",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "Pickle", targets: ["Pickle"]),
        .library(name: "Multiprocessing", targets: ["Multiprocessing"]),
        .executable(name: "swift-multiprocessing", targets: ["swift-multiprocessing"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "4.5.2"),
        .package(url: "https://github.com/apple/swift-collections.git", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/attaswift/BigInt.git", from: "6.0.1"),
        .package(url: "https://github.com/swiftlang/swift-syntax.git", from: "603.0.1"),
    ],
    targets: [
        // The value model of Python data and the pickle codec. No I/O, no NIO.
        .target(
            name: "Pickle",
            dependencies: [
                .product(name: "BigInt", package: "BigInt"),
                .product(name: "Collections", package: "swift-collections"),
            ],
            swiftSettings: swiftSettings
        ),
        // CPython's manager wire protocol: framing, the HMAC handshake, requests, replies, tokens.
        .target(
            name: "ManagerWire",
            dependencies: [
                "Pickle",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings
        ),
        // The manager server: object store, hosted types, listeners.
        .target(
            name: "ManagerServer",
            dependencies: [
                "ManagerWire",
                "Pickle",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "DequeModule", package: "swift-collections"),
                .product(name: "BigInt", package: "BigInt"),
            ],
            swiftSettings: swiftSettings
        ),
        // The public Swift API: Manager, ManagerClient, typed proxies, child processes, the worker pool.
        .target(
            name: "Multiprocessing",
            dependencies: [
                "ManagerServer",
                "ManagerWire",
                "Pickle",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                "MultiprocessingMacros",
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "swift-multiprocessing",
            dependencies: [
                "Multiprocessing",
                "ManagerServer",
                "ManagerWire",
                "Pickle",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "swift-multiprocessing-benchmark",
            dependencies: [
                "Multiprocessing", "ManagerWire", "Pickle",
                .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOPosix", package: "swift-nio"),
            ],
            path: "Benchmarks/SwiftClient",
            swiftSettings: swiftSettings
        ),
        // What the test targets start child processes with: TestProcess (posix_spawn, its own pipes) and Python.
        .target(
            name: "MultiprocessingTestSupport",
            path: "Tests/MultiprocessingTestSupport",
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "PickleTests",
            dependencies: ["Pickle", "MultiprocessingTestSupport", .product(name: "BigInt", package: "BigInt")],
            resources: [.copy("Fixtures")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "ManagerServerTests",
            dependencies: [
                "ManagerServer",
                "MultiprocessingTestSupport",
                "Pickle",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "ManagerWireTests",
            dependencies: [
                "ManagerWire",
                "MultiprocessingTestSupport",
                "Pickle",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOTestUtils", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "InteropTests",
            dependencies: ["MultiprocessingTestSupport"],
            exclude: ["Scripts"],
            swiftSettings: swiftSettings
        ),
        // Decode/encode throughput of the pickle codec next to CPython's C pickle (release build).
        .executableTarget(
            name: "pickle-benchmark",
            dependencies: ["Pickle"],
            path: "Benchmarks/PickleBenchmark",
            swiftSettings: swiftSettings
        ),
        // The @Managed macro: ManagedObject conformances and typed proxies for user actors.
        .macro(
            name: "MultiprocessingMacros",
            dependencies: [
                .product(name: "SwiftSyntaxMacros", package: "swift-syntax"),
                .product(name: "SwiftCompilerPlugin", package: "swift-syntax"),
                .product(name: "SwiftSyntax", package: "swift-syntax"),
                .product(name: "SwiftSyntaxBuilder", package: "swift-syntax"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "MultiprocessingMacrosTests",
            dependencies: [
                "MultiprocessingMacros",
                .product(name: "SwiftSyntax", package: "swift-syntax"),
                .product(name: "SwiftSyntaxMacros", package: "swift-syntax"),
                .product(name: "SwiftSyntaxMacroExpansion", package: "swift-syntax"),
                .product(name: "SwiftSyntaxMacrosGenericTestSupport", package: "swift-syntax"),
            ],
            swiftSettings: swiftSettings
        ),
        // The typed proxies against swift-multiprocessing's server and CPython's (python3 child processes).
        .testTarget(
            name: "MultiprocessingTests",
            dependencies: [
                "Multiprocessing",
                "MultiprocessingTestSupport",
                "ManagerServer",
                "ManagerWire",
                "Pickle",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        // The program the child-process and worker-pool tests start as children and pool workers.
        .executableTarget(
            name: "multiprocessing-test-worker",
            dependencies: ["Multiprocessing"],
            path: "Sources/MultiprocessingTestWorker",
            swiftSettings: swiftSettings
        ),
        // Python's manager tutorials as Swift programs (`swift run example-shared-queue`), and a tour running them.
        .executableTarget(
            name: "example-shared-queue",
            dependencies: ["Multiprocessing", "Pickle"],
            path: "Examples/shared-queue",
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "example-nested-proxies",
            dependencies: ["Multiprocessing", "Pickle"],
            path: "Examples/nested-proxies",
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "example-pool-dict-lock",
            dependencies: ["Multiprocessing", "Pickle"],
            path: "Examples/pool-dict-lock",
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "example-remote",
            dependencies: ["Multiprocessing", "ManagerWire", "Pickle"],
            path: "Examples/remote",
            exclude: ["client.py"],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "example-custom-class",
            dependencies: ["Multiprocessing"],
            path: "Examples/custom-class",
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "swift-multiprocessing-tour",
            path: "Examples/tour",
            swiftSettings: swiftSettings
        ),
    ]
)

// libFuzzer targets (Fuzz/): only part of the package when SWIFT_MULTIPROCESSING_FUZZ is set, so ordinary builds and
// CI never see them. Fuzz/build.sh sets it, compiles them with -sanitize=fuzzer,address into Fuzz/.build/spm and
// links each one into an executable. They are libraries: libFuzzer provides `main`.
if Context.environment["SWIFT_MULTIPROCESSING_FUZZ"] != nil {
    package.targets += [
        .target(name: "PickleReaderFuzz", dependencies: ["Pickle"], path: "Fuzz/PickleReaderFuzz",
                swiftSettings: swiftSettings),
        .target(
            name: "FrameDecoderFuzz",
            dependencies: ["ManagerWire", .product(name: "NIOCore", package: "swift-nio")],
            path: "Fuzz/FrameDecoderFuzz",
            swiftSettings: swiftSettings
        ),
        .target(name: "HandshakeFuzz", dependencies: ["ManagerWire"], path: "Fuzz/HandshakeFuzz",
                swiftSettings: swiftSettings),
        .target(
            name: "DispatchFuzz",
            dependencies: [
                "ManagerServer",
                "ManagerWire",
                "Pickle",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Fuzz/DispatchFuzz",
            swiftSettings: swiftSettings
        ),
    ]
}
