import Foundation
import Testing

/// The collector's own unit tests (collector/test_frost_collect.py), run with the Python that
/// the stub embeds: module names of RECORD files, Requires-Dist markers, the standard library
/// profile, the missing-import report, TYPE_CHECKING and try blocks, `-m PKG`.
@Suite("The collector's unit tests")
struct CollectorUnitTests {
  @Test("python3 -m unittest collector/test_frost_collect.py passes")
  func unitTests() throws {
    let r = try CLI.run(
      "/usr/bin/python3",
      ["-m", "unittest", "discover", "-s", CLI.repoRoot.path + "/collector", "-p", "test_*.py"])
    #expect(r.status == 0, "\(r.stderr)")
    #expect(r.stderr.contains("\nOK"), "\(r.stderr)")
  }
}
