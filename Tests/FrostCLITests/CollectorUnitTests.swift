import Foundation
import Testing

/// The collector's own unit tests (collector/test_frost_collect.py), run with Debian's python3
/// and with every CPython 3.8 to 3.13 of the machine (PythonVersions): module names of RECORD
/// files, Requires-Dist markers, the standard library profile, the missing-import report,
/// TYPE_CHECKING, `__main__` and try blocks as each version's bytecode has them, `-m PKG`.
@Suite("The collector's unit tests")
struct CollectorUnitTests {
  @Test(
    "python -m unittest collector/test_frost_collect.py passes",
    arguments: ["debian"] + PythonVersions.minors)
  func unitTests(_ version: String) throws {
    let python =
      version == "debian" ? "/usr/bin/python3" : PythonVersions.interpreter(version)
    guard let python else {
      #expect(!PythonVersions.required, "\(PythonVersions.absent(version))")
      return
    }
    let r = try CLI.run(
      python,
      ["-m", "unittest", "discover", "-s", CLI.repoRoot.path + "/collector", "-p", "test_*.py"])
    #expect(r.status == 0, "\(r.stderr)")
    #expect(r.stderr.contains("\nOK"), "\(r.stderr)")
  }
}
