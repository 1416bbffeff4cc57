import Foundation
import Testing

/// The stub's wrapper of Python's RAW allocator (stubs/python/stub_hugepage.c): a block of
/// 4 MiB or more that glibc maps on its own is advised MADV_HUGEPAGE beyond its first 2 MiB; a
/// smaller one is not.
@Suite("Self-contained Python: large allocations on huge pages")
struct PythonHugePageTests {
  /// Prints whether the mapping that holds a byte carries the kernel's "hg" flag
  /// (MADV_HUGEPAGE) in /proc/self/smaps, which does not depend on whether transparent huge
  /// pages are enabled: the last and the first byte of an 8 MiB buffer, the first of a 1 MiB one.
  static let source = advisedSource + """

    big = bytearray(8 << 20)
    small = bytearray(1 << 20)
    print("big", advised(big, len(big) - 1), advised(big, 0), "small", advised(small, 0))
    """

  /// `advised(buf, at)`: whether the mapping that holds byte `at` of `buf` carries "hg".
  static let advisedSource = """
    import ctypes

    def advised(buf, at):
        addr = ctypes.addressof((ctypes.c_char * len(buf)).from_buffer(buf)) + at
        inside = False
        with open("/proc/self/smaps") as f:
            for line in f:
                head = line.split()[0]
                if "-" in head and not head.endswith(":"):
                    lo, hi = (int(x, 16) for x in head.split("-"))
                    inside = lo <= addr < hi
                elif inside and head == "VmFlags:":
                    return "hg" in line.split()[1:]
        return None
    """

  @Test("an 8 MiB buffer is advised past its first 2 MiB, a 1 MiB one not; python3 advises none")
  func advice() throws {
    let root = try PythonFixtures.project(["buffers.py": Self.source])
    let (bin, log) = PythonFixtures.build("buffers", [root + "/buffers.py"])
    let binary = try #require(bin, "\(log)")
    let frozen = try CLI.run(binary)
    #expect(frozen.status == 0, "\(frozen.stderr)")
    #expect(frozen.stdout == "big True False small False\n", "\(frozen.stdout)\(frozen.stderr)")
    let host = try CLI.run("/usr/bin/python3", ["-I", root + "/buffers.py"])
    #expect(host.stdout == "big False False small False\n", "\(host.stdout)\(host.stderr)")
  }

  @Test("--no-huge-pages, or no-huge-pages under [tool.frost], leaves every block as it is")
  func optOut() throws {
    let root = try PythonFixtures.project(["buffers.py": Self.source])
    let (flagged, log) = PythonFixtures.build(
      "buffers-flag", [root + "/buffers.py", "--no-huge-pages"])
    let viaFlag = try CLI.run(try #require(flagged, "\(log)"))
    #expect(viaFlag.stdout == "big False False small False\n", "\(viaFlag.stdout)\(viaFlag.stderr)")
    let project = try PythonFixtures.project([
      "buffers.py": Self.source, "pyproject.toml": "[tool.frost]\nno-huge-pages = true\n",
    ])
    let (configured, log2) = PythonFixtures.build("buffers-toml", [project + "/buffers.py"])
    let viaToml = try CLI.run(try #require(configured, "\(log2)"))
    #expect(viaToml.stdout == "big False False small False\n", "\(viaToml.stdout)\(viaToml.stderr)")
  }
}
