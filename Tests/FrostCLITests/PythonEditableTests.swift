import Foundation
import Testing

/// A venv made once per test run (`/usr/bin/python3 -m venv`) with packages installed in
/// editable mode (`pip install -e`, offline: the venv's own setuptools, 66, builds PEP 660
/// editable wheels; the host's `wheel` is copied in, as for `PythonVenv`). Every source folder
/// lies under `src/`, outside the programs' folder `app/` and outside the venv:
/// - `ed-pkg` (flat layout): setuptools maps `edpkg` to its folder with a finder on
///   `sys.meta_path` (`__editable___ed_pkg_1_4_0_finder.py`), no sys.path entry;
/// - `src-pkg` (src layout): setuptools writes a .pth file naming its `src` folder;
/// - `plain-pkg`: a .pth file naming its folder and a dist-info without top_level.txt whose
///   RECORD lists only the .pth file, as flit and hatchling install in editable mode;
/// - `leg-pkg` (setup.py only): pip runs `setup.py develop` (an .egg-link, easy-install.pth and
///   the .egg-info in the source folder).
enum PythonEditable {
  /// Folder holding `venv/`, `src/` and `app/`; nil with the setup's log.
  static let made: (root: String?, log: String) = {
    guard let root = try? PythonFixtures.project(sources) else { return (nil, "no folder") }
    let script = """
      set -e
      /usr/bin/python3 -m venv venv
      sp=$(echo venv/lib/python3*/site-packages)
      cp -r \(PythonVenv.wheel) \(PythonVenv.wheel)-*.egg-info "$sp"/
      venv/bin/pip install -q --no-cache-dir --no-build-isolation --no-index \\
        -e src/finder -e src/srclayout -e src/legacy
      echo "$PWD/src/plain" > "$sp/_plain_pkg.pth"
      d="$sp/plain_pkg-0.3.0.dist-info"
      mkdir "$d"
      printf 'Metadata-Version: 2.1\\nName: plain-pkg\\nVersion: 0.3.0\\n' > "$d/METADATA"
      echo pip > "$d/INSTALLER"
      echo '{"url": "file://'"$PWD"'/src/plain", "dir_info": {"editable": true}}' > "$d/direct_url.json"
      printf '_plain_pkg.pth,,\\nplain_pkg-0.3.0.dist-info/METADATA,,\\nplain_pkg-0.3.0.dist-info/RECORD,,\\n' > "$d/RECORD"
      """
    guard let r = try? PythonFixtures.sh(script, cwd: root) else { return (nil, "sh did not run") }
    return (r.status == 0 ? root : nil, r.stdout + r.stderr)
  }()

  static var python: String { (made.root ?? "") + "/venv/bin/python" }

  /// Builds `app/program` with the venv's python into `name`; returns the binary.
  static func build(_ name: String, _ program: String) throws -> String {
    let root = try #require(made.root, "\(made.log)")
    let (bin, log) = PythonFixtures.build(name, [root + "/app/" + program, "--python", python])
    return try #require(bin, "\(log)")
  }

  /// The venv's python and the frozen binary (every host Python, the venv and the sources
  /// hidden) print the same; returns that output.
  static func sameOutput(_ program: String, binary: String) throws -> String {
    let root = try #require(made.root)
    let expected = try CLI.run(python, ["-I", root + "/app/" + program])
    #expect(expected.status == 0, "\(expected.stderr)")
    let frozen = try PythonFixtures.runHidden(binary, alsoHidden: [root])
    #expect(frozen.status == 0, "\(frozen.stderr)")
    #expect(frozen.stdout == expected.stdout)
    return frozen.stdout
  }

  /// The *.dist-info and *.egg-info folders of a `frost ls` listing.
  static func dists(_ listing: [String: String]) -> Set<String> {
    Set(
      listing.keys.compactMap { $0.split(separator: "/").dropFirst().first.map(String.init) }
        .filter { $0.hasSuffix(".dist-info") || $0.hasSuffix(".egg-info") })
  }

  static let sources: [String: String] = [
    "src/finder/pyproject.toml": """
    [build-system]
    requires = ["setuptools"]
    build-backend = "setuptools.build_meta"

    [project]
    name = "ed-pkg"
    version = "1.4.0"

    [tool.setuptools]
    packages = ["edpkg", "edpkg.sub"]

    [tool.setuptools.package-data]
    edpkg = ["data/*.txt"]

    """,
    "src/finder/edpkg/__init__.py": """
    from .sub import tool

    def greet(name):
        return "hello, " + name + " " + tool.twice("!")

    """,
    "src/finder/edpkg/data/words.txt": "package data of edpkg\n",
    "src/finder/edpkg/sub/__init__.py": "NAME = 'edpkg.sub'\n",
    "src/finder/edpkg/sub/tool.py": "def twice(x):\n    return x * 2\n",
    "src/srclayout/pyproject.toml": """
    [build-system]
    requires = ["setuptools"]
    build-backend = "setuptools.build_meta"

    [project]
    name = "src-pkg"
    version = "0.7.1"

    """,
    "src/srclayout/src/srcpkg/__init__.py": "VALUE = 'srcpkg'\n",
    "src/plain/plainpkg.py": "VALUE = 'plainpkg'\n",
    "src/legacy/setup.py": """
    from setuptools import setup
    setup(name="leg-pkg", version="3.1", packages=["legpkg"])

    """,
    "src/legacy/legpkg/__init__.py": "VALUE = 'legpkg'\n",
    "app/finder.py": """
    from importlib import metadata, resources
    import edpkg
    from edpkg.sub import tool
    print(edpkg.greet("editable"), edpkg.sub.NAME, tool.twice(21))
    print(resources.files("edpkg").joinpath("data/words.txt").read_text().strip())
    print("version", metadata.version("ed-pkg"), metadata.version("ed_pkg"))
    print("files", edpkg.__file__.endswith("/edpkg/__init__.py"), tool.__name__)

    """,
    "app/paths.py": """
    from importlib import metadata
    import srcpkg, plainpkg
    print(srcpkg.VALUE, plainpkg.VALUE)
    print("versions", metadata.version("src-pkg"), metadata.version("plain-pkg"))

    """,
    "app/legacy.py": """
    import legpkg
    from importlib.metadata import version
    print(legpkg.VALUE, legpkg.__name__, version("leg-pkg"))

    """,
  ]
}

/// Packages installed in editable mode in a venv (`--python VENV/bin/python`): found through
/// the finders their .pth files install or the folders they add, bundled as third-party with
/// their data and metadata.
@Suite("Self-contained Python: editable installs")
struct PythonEditableTests {
  /// `frost ls` of `path`: entry path -> kind.
  func listing(_ path: String) throws -> [String: String] {
    try PythonVenvTests().listing(path)
  }

  @Test("the venv's setuptools makes a PEP 660 editable install that only its finder resolves")
  func finderInstall() throws {
    let root = try #require(PythonEditable.made.root, "\(PythonEditable.made.log)")
    let probe = """
      import glob, importlib.machinery as m, setuptools, sys
      print(int(setuptools.__version__.split(".")[0]) >= 64)
      print([f.__module__ for f in sys.meta_path if "editable" in f.__module__])
      print(m.PathFinder.find_spec("edpkg", sys.path), m.PathFinder.find_spec("srcpkg") is not None)
      print(len(glob.glob(sys.prefix + "/lib/python3*/site-packages/__editable__.ed_pkg-1.4.0.pth")))
      """
    let r = try CLI.run(PythonEditable.python, ["-I", "-c", probe], cwd: root)
    #expect(r.status == 0, "\(r.stderr)")
    #expect(r.stdout == "True\n['__editable___ed_pkg_1_4_0_finder']\nNone True\n1\n")
  }

  @Test(
    "a setuptools PEP 660 editable package (a sys.meta_path finder): submodules, data, version(), as the venv's python"
  )
  func finderPackage() throws {
    let bin = try PythonEditable.build("editable-finder", "finder.py")
    let out = try PythonEditable.sameOutput("finder.py", binary: bin)
    #expect(
      out == """
        hello, editable !! edpkg.sub 42
        package data of edpkg
        version 1.4.0 1.4.0
        files True edpkg.sub.tool

        """)
    let ls = try listing(bin)
    #expect(ls["lib/edpkg/__init__.pyc"] == "third-party")
    #expect(ls["lib/edpkg/sub/__init__.pyc"] == "third-party")
    #expect(ls["lib/edpkg/sub/tool.pyc"] == "third-party")
    #expect(ls["lib/edpkg/data/words.txt"] == "data")
    #expect(ls["lib/ed_pkg-1.4.0.dist-info/METADATA"] == "metadata")
    // Only the imported package's metadata: the other editable installs are left out.
    #expect(PythonEditable.dists(ls) == ["ed_pkg-1.4.0.dist-info"])
    #expect(!ls.keys.contains { $0.hasSuffix("/direct_url.json") }, "no build-machine path")
    #expect(!ls.keys.contains { $0.contains("__editable__") }, "no finder or .pth file")
  }

  @Test(
    "path-style editable installs (a .pth line): setuptools' src layout and a dist-info without top_level.txt"
  )
  func pathPackages() throws {
    let bin = try PythonEditable.build("editable-paths", "paths.py")
    let out = try PythonEditable.sameOutput("paths.py", binary: bin)
    #expect(out == "srcpkg plainpkg\nversions 0.7.1 0.3.0\n")
    let ls = try listing(bin)
    #expect(ls["lib/srcpkg/__init__.pyc"] == "third-party")
    #expect(ls["lib/plainpkg.pyc"] == "third-party")
    #expect(PythonEditable.dists(ls) == ["src_pkg-0.7.1.dist-info", "plain_pkg-0.3.0.dist-info"])
    #expect(ls["lib/plain_pkg-0.3.0.dist-info/METADATA"] == "metadata")
    #expect(!ls.keys.contains { $0.hasSuffix("/direct_url.json") }, "no build-machine path")
  }

  @Test("a legacy `setup.py develop` install (.egg-link, easy-install.pth): module, .egg-info, version")
  func legacyDevelop() throws {
    let bin = try PythonEditable.build("editable-legacy", "legacy.py")
    let out = try PythonEditable.sameOutput("legacy.py", binary: bin)
    #expect(out == "legpkg legpkg 3.1\n")
    let ls = try listing(bin)
    #expect(ls["lib/legpkg/__init__.pyc"] == "third-party")
    #expect(ls["lib/leg_pkg.egg-info/PKG-INFO"] == "metadata")
  }
}
