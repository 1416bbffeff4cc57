import Foundation
import Testing

@testable import FrostKit

@Suite("frost inspect: demangled symbol names")
struct InspectDemangleTests {
  /// (mangled, demangled). The Rust rows are what rustc-demangle's `{:#}` prints.
  static let names: [(String, String?)] = [
    ("_Z3fooi", "foo(int)"),
    ("_ZN4demo3BoxIiE3sumEv", "demo::Box<int>::sum()"),
    ("_ZTV3Foo", "vtable for Foo"),
    ("_Z3fooi.constprop.0", "foo(int) [clone .constprop.0]"),
    ("_ZN4core3fmt9Formatter3pad17h0123456789abcdefE", "core::fmt::Formatter::pad"),
    (
      "_ZN71_$LT$Test$u20$$u2b$$u20$$u27$static$u20$as$u20$foo..Bar$LT$Test$GT$$GT$3bar17h930b740aa94f1d3aE",
      "<Test + 'static as foo::Bar<Test>>::bar"
    ),
    ("_ZN3std2rt10lang_start28_$u7b$$u7b$closure$u7d$$u7d$17h0b1d7e9cbc0f3b68E", "std::rt::lang_start::{{closure}}"),
    ("_ZN5alloc7raw_vec19RawVec$LT$T$C$A$GT$7reserve17h0d8e5b7f3e4d0e3aE.llvm.1234", "alloc::raw_vec::RawVec<T,A>::reserve"),
    ("_RNvCs15kBYyAo9fc_7mycrate7example", "mycrate::example"),
    ("_RNvXs1_NtNtCsgEmfK2I1SDS_4core3ops5arithmNtB5_3Add3addCs2OpA4fNwd7R_1r", "<u32 as core::ops::arith::Add>::add"),
    ("_RNvMs4_NtNtCsgEmfK2I1SDS_4core5slice4iterINtB5_4ItermE3newCs2OpA4fNwd7R_1r", "<core::slice::iter::Iter<u32>>::new"),
    ("_RNCNvCsgEmfK2I1SDS_4main4main0B3_", "main::main::{closure#0}"),
    ("_RINvCs1234_7mycrate3fooKj2a_E", "mycrate::foo::<42>"),
    ("_RNvNtCs1234_7mycrateu8gdel_5qa3foo", "mycrate::gödel::foo"),
    ("_RINvCs1234_7mycrate3fooRL_ReFUKCmEuE", "mycrate::foo::<&&str, unsafe extern \"C\" fn(u32)>"),
    ("_RINvCs1234_7mycrate3fooATmbEj3_SDNtB2_5TraitEL_E", "mycrate::foo::<[(u32, bool); 3], [dyn mycrate::Trait]>"),
    ("$s4Demo6MatrixV5traceSdyF", "Demo.Matrix.trace() -> Swift.Double"),
    ("main", nil),
    ("_GLOBAL__sub_I_a.cc", nil),
    ("_Znot_valid", nil),
    ("_RNvB999_3foo", nil),  // a backreference forward: refused
    ("_RINvCs1234_7mycrate3fooBl_E", nil),  // a backreference to itself: refused
  ]

  @Test("hand-written mangled names of each language", arguments: 0..<names.count)
  func table(_ i: Int) {
    let (mangled, expected) = Self.names[i]
    #expect(Demangler.demangle(mangled) == expected, "\(mangled)")
  }

  @Test("a truncated or mutated v0 name gives nil or a name, never a trap")
  func hostileV0() {
    for (name, _) in Self.names where name.hasPrefix("_R") {
      for cut in 2..<name.utf8.count {
        _ = Demangler.demangle(String(name.utf8.prefix(cut))!)
      }
      var bytes = Array(name.utf8)
      for i in 2..<bytes.count {
        for b: UInt8 in [0x30, 0x5f, 0x42, 0x7a, 0x45] {
          let saved = bytes[i]
          bytes[i] = b
          _ = Demangler.demangle(String(decoding: bytes, as: UTF8.self))
          bytes[i] = saved
        }
      }
    }
  }

  @Test("C++ symbols of a g++ object, and --no-demangle")
  func cxx() throws {
    let dir = InspectFixtures.path("demangle")
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    try """
      namespace demo { template <class T> struct Box { T v[40]; int sum() const; }; }
      template <class T> int demo::Box<T>::sum() const { int s = 0; for (auto x : v) s += x; return s; }
      demo::Box<int> box;
      int use_box(int n) { return box.sum() + n; }
      """.write(toFile: dir + "/x.cc", atomically: true, encoding: .utf8)
    try InspectFixtures.run(["g++", "-O0", "-c", "-o", "x.o", "x.cc"], in: dir)
    let r = try Inspector.inspect(dir + "/x.o", options: InspectOptions(symbols: true, symbolLimit: 50))
    let names = Dictionary((r.symbols ?? []).map { ($0.name, $0.demangled) }, uniquingKeysWith: { a, _ in a })
    #expect(names["_Z7use_boxi"] == "use_box(int)")
    #expect(names["_ZNK4demo3BoxIiE3sumEv"] == "demo::Box<int>::sum() const")
    #expect(names["box"] == .some(nil))
    // c++filt (binutils) agrees on every demangled name.
    for (mangled, demangled) in names {
      guard let demangled else { continue }
      #expect(try InspectFixtures.run(["c++filt", mangled]) == demangled + "\n")
    }
    let raw = try Inspector.inspect(
      dir + "/x.o", options: InspectOptions(symbols: true, symbolLimit: 50, demangle: false))
    #expect(raw.symbols?.allSatisfy { $0.demangled == nil } == true)
  }

  @Test("Swift symbols of a swiftc object")
  func swift() throws {
    let dir = InspectFixtures.path("demangle-swift")
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    try """
      public struct Matrix {
        public var cells: [Double] = Array(repeating: 0, count: 64)
        public func trace() -> Double { var t = 0.0; for i in 0..<8 { t += cells[i * 9] }; return t }
      }
      """.write(toFile: dir + "/s.swift", atomically: true, encoding: .utf8)
    try InspectFixtures.run(
      ["swiftc", "-parse-as-library", "-module-name", "Demo", "-c", "s.swift", "-o", "s.o"], in: dir)
    let r = try Inspector.inspect(dir + "/s.o", options: InspectOptions(symbols: true, symbolLimit: 100))
    let trace = try #require(r.symbols?.first { $0.name == "$s4Demo6MatrixV5traceSdyF" })
    #expect(trace.demangled == "Demo.Matrix.trace() -> Swift.Double")
  }

  /// rustc, when installed (rustup puts it in ~/.cargo/bin): legacy and v0 names of one crate.
  static let rustc: String? = {
    let home = ProcessInfo.processInfo.environment["HOME"] ?? "/root"
    return ([home + "/.cargo/bin/rustc"] + ((ProcessInfo.processInfo.environment["PATH"] ?? "")
      .split(separator: ":").map { $0 + "/rustc" })).first { FileManager.default.isExecutableFile(atPath: $0) }
  }()

  @Test("Rust symbols of rustc objects, legacy and v0", .enabled(if: rustc != nil))
  func rust() throws {
    let dir = InspectFixtures.path("demangle-rust")
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    try """
      pub fn run(v: &[u32]) -> u32 { v.iter().map(|x| x * 2).sum::<u32>() + v[0] }
      """.write(toFile: dir + "/r.rs", atomically: true, encoding: .utf8)
    for version in ["legacy", "v0"] {
      // RUSTC_BOOTSTRAP: -C symbol-mangling-version needs -Z unstable-options on stable rustc.
      try InspectFixtures.run(
        ["RUSTC_BOOTSTRAP=1", Self.rustc!, "--crate-type=lib", "--crate-name", "r", "--emit=obj",
          "-C", "opt-level=0", "-Z", "unstable-options", "-C", "symbol-mangling-version=\(version)",
          "-o", "r-\(version).o", "r.rs"], in: dir)
      let r = try Inspector.inspect(
        dir + "/r-\(version).o", options: InspectOptions(symbols: true, symbolLimit: 100))
      let demangled = (r.symbols ?? []).compactMap(\.demangled)
      #expect(demangled.contains("r::run"), "\(version): \(demangled)")
      #expect(demangled.contains { $0.hasPrefix("r::run::{") }, "\(version): \(demangled)")
      #expect(!demangled.contains { $0.contains("::h") && $0.hasSuffix("E") })
    }
  }
}
