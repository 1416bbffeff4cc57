// swift-tools-version: 6.0
// Frost: script programs as single-file executables. The C stubs in stubs/ are built by
// `make` with cc (not SwiftPM), so that they never link the Swift runtime.
import PackageDescription

let package = Package(
  name: "Frost",
  platforms: [.macOS(.v13)],
  products: [
    .executable(name: "frost", targets: ["frost"]),
    .library(name: "FrostKit", targets: ["FrostKit"]),
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    .package(url: "https://github.com/apple/swift-crypto", "3.0.0"..<"5.0.0"),
    .package(url: "https://github.com/LebJe/TOMLKit", from: "0.6.0"),
  ],
  targets: [
    .systemLibrary(
      name: "CLibELF", pkgConfig: "libelf", providers: [.apt(["libelf-dev"])]),
    .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
    .systemLibrary(name: "CZstd", pkgConfig: "libzstd", providers: [.apt(["libzstd-dev"])]),
    .systemLibrary(name: "CLZ4", pkgConfig: "liblz4", providers: [.apt(["liblz4-dev"])]),
    // __cxa_demangle (libstdc++) and swift_demangle (the Swift runtime), for `frost inspect`.
    .systemLibrary(name: "CDemangle"),
    .target(
      name: "FrostKit",
      dependencies: [
        "CLibELF", "CZlib", "CZstd", "CLZ4", "CDemangle", "FrostTOML",
        .product(name: "Crypto", package: "swift-crypto"),
      ]),
    .target(name: "FrostTOML", dependencies: [.product(name: "TOMLKit", package: "TOMLKit")]),
    .executableTarget(
      name: "frost",
      dependencies: [
        "FrostKit", .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ]),
    .testTarget(name: "FrostKitTests", dependencies: ["FrostKit"]),
    .testTarget(name: "FrostCLITests", dependencies: ["FrostKit"]),
  ]
)
