import Foundation
import Testing

/// The stub's wrapper of Python's RAW allocator (stubs/python/stub_hugepage.c): a block of
/// 2 MiB or more that glibc maps on its own is advised MADV_HUGEPAGE, a smaller one is not.
@Suite("Self-contained Python: large allocations on huge pages")
struct PythonHugePageTests {
  /// Prints, for a buffer of 8 MiB and one of 1 MiB, whether the mapping that holds it carries
  /// the kernel's "hg" flag (MADV_HUGEPAGE) in /proc/self/smaps, which does not depend on
  /// whether transparent huge pages are enabled.
  static let source = """
    import ctypes

    def advised(buf):
        addr = ctypes.addressof((ctypes.c_char * len(buf)).from_buffer(buf))
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

    big = bytearray(8 << 20)
    small = bytearray(1 << 20)
    print("big", advised(big), "small", advised(small))
    """

  @Test("an 8 MiB buffer is advised, a 1 MiB one is not; python3 advises neither")
  func advice() throws {
    let root = try PythonFixtures.project(["buffers.py": Self.source])
    let (bin, log) = PythonFixtures.build("buffers", [root + "/buffers.py"])
    let binary = try #require(bin, "\(log)")
    let frozen = try CLI.run(binary)
    #expect(frozen.status == 0, "\(frozen.stderr)")
    #expect(frozen.stdout == "big True small False\n", "\(frozen.stdout)\(frozen.stderr)")
    let host = try CLI.run("/usr/bin/python3", ["-I", root + "/buffers.py"])
    #expect(host.stdout == "big False small False\n", "\(host.stdout)\(host.stderr)")
  }
}
