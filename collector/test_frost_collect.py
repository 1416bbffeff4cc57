"""Unit tests of the collector (run by Tests/FrostCLITests/CollectorUnitTests.swift, or
`/usr/bin/python3 -m unittest discover -s collector`)."""
import json
import os
import random
import subprocess
import sys
import tempfile
import textwrap
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import frost_collect as fc  # noqa: E402


def collect(files, entry="main", stdlib="imported", extra=None):
    """Runs the collector as frost does on a program made of `files`; returns its output."""
    root = tempfile.mkdtemp(prefix="frost-collect-test-")
    for rel, text in files.items():
        path = os.path.join(root, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb" if isinstance(text, bytes) else "w") as f:
            f.write(text if isinstance(text, bytes) else textwrap.dedent(text))
    req = {"entry": {"type": "script", "module": entry, "path": os.path.join(root, entry + ".py")},
           "roots": [root], "paths": [], "include_modules": [], "include_packages": [],
           "exclude_modules": [], "add_data": [], "include_source": False, "optimize": 0,
           "blob": os.path.join(root, "blob"), "provided": [], "stub_lib": [], "stdlib": stdlib}
    req.update(extra or {})
    req["paths"] = [os.path.join(root, p) for p in req["paths"]]  # relative to the program
    out = subprocess.run([sys.executable, "-I", fc.__file__], input=json.dumps(req),
                         capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


class Names(unittest.TestCase):
    def test_module_name(self):
        self.assertEqual(fc.module_name(("a", "b.py")), "a.b")
        self.assertEqual(fc.module_name(("a", "__init__.py")), "a")
        self.assertEqual(fc.module_name(("rich", "_unicode_data", "unicode17-0-0.py")),
                         "rich._unicode_data.unicode17-0-0")
        ext = "x" + fc.EXT_SUFFIXES[0]
        self.assertEqual(fc.module_name(("3c22db458360489351e4__mypyc" + fc.EXT_SUFFIXES[0],)),
                         "3c22db458360489351e4__mypyc")
        self.assertEqual(fc.module_name(("pkg", ext)), "pkg.x")
        self.assertIsNone(fc.module_name(("numpy.libs", "libopenblas.so")))
        self.assertIsNone(fc.module_name(("pkg", "data.json")))
        self.assertIsNone(fc.module_name(("__init__.py",)))

    def test_normalize(self):
        self.assertEqual(fc.normalize("Charset_Normalizer"), "charset-normalizer")
        self.assertEqual(fc.normalize("zope.interface"), "zope-interface")

    def test_requirement(self):
        self.assertEqual(fc.requirement("idna<4,>=2.5"), ("idna", True))
        self.assertEqual(fc.requirement('PySocks!=1.5.7,>=1.5.6; extra == "socks"'),
                         ("pysocks", False))
        self.assertEqual(fc.requirement('tomli>=1.1.0; python_version < "3.0"'),
                         ("tomli", False))
        self.assertEqual(fc.requirement('cffi>=1.12; platform_python_implementation != "PyPy"'),
                         ("cffi", True))

    def test_plain_so_needs_its_init(self):
        with tempfile.TemporaryDirectory() as d:
            lib = os.path.join(d, "libfoo.so")
            with open(lib, "wb") as f:
                f.write(b"\x7fELF no init here")
            mod = os.path.join(d, "foo.so")
            with open(mod, "wb") as f:
                f.write(b"\x7fELF PyInit_foo\0")
            self.assertFalse(fc.is_extension(lib, "libfoo"))
            self.assertTrue(fc.is_extension(mod, "foo"))
            self.assertTrue(fc.is_extension(os.path.join(d, "x" + fc.EXT_SUFFIXES[0]), "x"))


class Analysis(unittest.TestCase):
    def test_unittest_and_its_submodules_come_with_the_program(self):
        out = collect({"main.py": "import unittest\n"})
        names = {m["name"] for m in out["modules"]}
        self.assertIn("unittest.result", names)
        self.assertIn("unittest.case", names)

    def test_stdlib_all_bundles_every_standard_module(self):
        out = collect({"main.py": "print(1)\n"}, stdlib="all")
        names = {m["name"] for m in out["modules"]}
        expected = ["unittest.mock", "pdb", "doctest", "encodings.idna", "xml.dom.minidom",
                    "json.tool", "_strptime"] + (["zoneinfo._zoneinfo"] if sys.version_info >= (3, 9) else [])
        for name in expected:
            self.assertIn(name, names)
        self.assertNotIn("test.support", names)  # CPython's regression suite
        self.assertFalse(names & fc.TEST_ONLY)
        self.assertNotIn("sitecustomize", names)
        self.assertFalse(any(m["kind"] == "third-party" for m in out["modules"]))
        data = {d["dest"] for d in out["data"]}
        self.assertIn("lib/pydoc_data/_pydoc.css", data)
        if sys.version_info < (3, 13):  # lib2to3 is gone in 3.13
            self.assertIn("lib/lib2to3/Grammar.txt", data)

    def test_missing_imports_are_reported_by_importer(self):
        out = collect({
            "main.py": """
                import helper
                try:
                    import not_installed_optional
                except ImportError:
                    pass
                import msvcrt_absent_really_not_here
                """,
            "helper.py": "import winreg\n",
        })
        report = {(m["importer"], m["optional"]): m["names"] for m in out["missing"]}
        # Judged name by name: the guarded import of main is optional, the other not.
        self.assertEqual(report[("main", False)], ["msvcrt_absent_really_not_here"])
        self.assertEqual(report[("main", True)], ["not_installed_optional"])
        self.assertEqual(report[("helper", True)], ["winreg"], "another platform's module")
        self.assertNotIn(("helper", False), report)

    def test_extension_strings_bring_extension_modules_not_packages(self):
        """An extension module named in another's strings is bundled (compiled code imports
        compiled helpers: _cffi_backend); a package named so is not, even one whose __init__
        is compiled (mypyc's mypy, named in other mypyc modules' strings: 45 MB)."""
        ext = fc.EXT_SUFFIXES[0]
        out = collect({
            "main.py": "import plug\n",
            "site/plug" + ext: b"\x7fnot ELF\x00helperx\x00pkgx\x00",
            "site/helperx" + ext: b"\x00",
            "site/pkgx/__init__" + ext: b"\x00",
            "site/pkgx/sub.py": "X = 1\n",
        }, extra={"paths": ["site"]})
        names = {m["name"] for m in out["modules"]}
        self.assertIn("plug", names)
        self.assertIn("helperx", names)
        self.assertNotIn("pkgx", names)

    def test_extension_strings_give_the_same_modules_at_every_run(self):
        """A dotted name whose parent find() adds (a .py) and an extension beside it: the
        extension and its package are bundled whatever the order of a set (the collector runs
        with a new hash seed each time: eight runs)."""
        ext = fc.EXT_SUFFIXES[0]
        files = {
            "main.py": "import plug\n",
            "site/plug" + ext: b"\x7fnot ELF\x00pkgy.zmod\x00pkgy.amod\x00pkgy._ext\x00",
            "site/pkgy/__init__.py": "from . import version\n",
            "site/pkgy/version.py": "V = 1\n",
            "site/pkgy/amod.py": "",
            "site/pkgy/zmod.py": "",
            "site/pkgy/_ext" + ext: b"\x00",
        }
        for _ in range(8):
            names = {m["name"] for m in collect(files, extra={"paths": ["site"]})["modules"]}
            self.assertTrue({"pkgy", "pkgy._ext", "pkgy.version"} <= names, sorted(
                n for n in names if n.startswith("pkgy")))

    def test_type_checking_imports_are_not_followed(self):
        out = collect({"main.py": """
            from typing import TYPE_CHECKING
            if TYPE_CHECKING:
                import typing_only_module
            import json
            """})
        self.assertEqual(out["missing"], [])
        self.assertIn("json", {m["name"] for m in out["modules"]})

    def test_dash_m_package_runs_its_main(self):
        root = tempfile.mkdtemp(prefix="frost-collect-test-")
        os.makedirs(os.path.join(root, "tool"))
        for name, text in (("__init__.py", ""), ("__main__.py", "print('tool')\n")):
            with open(os.path.join(root, "tool", name), "w") as f:
                f.write(text)
        out = collect({"main.py": ""}, extra={
            "entry": {"type": "module", "module": "tool", "path": None}, "roots": [root]})
        self.assertEqual(out["main_module"], "tool.__main__")
        self.assertIn("tool.__main__", {m["name"] for m in out["modules"]})


class Blocks(unittest.TestCase):
    def test_try_ranges(self):
        co = compile("try:\n    import a\nexcept ImportError:\n    pass\nimport b\n", "x", "exec")
        ranges = fc.try_ranges(co)
        raw = co.co_code
        first = raw.find(bytes([fc.IMPORT_NAME]))
        second = raw.find(bytes([fc.IMPORT_NAME]), first + 1)
        self.assertTrue(any(a <= first < b for a, b in ranges))
        self.assertFalse(any(a <= second < b for a, b in ranges))

    def test_type_checking_and_main_blocks(self):
        co = compile("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    import a\n"
                     "import b\nif __name__ == '__main__':\n    import c\n", "x", "exec")
        raw = co.co_code
        at = [i for i in range(0, len(raw), 2) if raw[i] == fc.IMPORT_NAME]  # typing a b c
        self.assertEqual(len(at), 4)
        blocks = fc.Collector.type_checking_blocks(co)
        main = fc.Collector.main_block(co)
        self.assertTrue(any(x <= at[1] < y for x, y in blocks))
        self.assertFalse(any(x <= i < y for x, y in blocks for i in (at[0], at[2], at[3])))
        self.assertTrue(main[0] <= at[3] < main[1])
        self.assertFalse(main[0] <= at[2] < main[1])

    def test_version_blocks(self):
        """Blocks behind a version test that fails on this interpreter never run; the others,
        and blocks behind any other test, do."""
        major, minor = sys.version_info[:2]
        src = ("import sys\n"
               "if sys.version_info >= (%d, %d):\n    import newer\n"
               "if sys.version_info[:2] < (%d, %d):\n    import older\n"
               "if sys.version_info >= (%d, %d):\n    import current\n"
               "if sys.version_info[:2] == (%d, %d):\n    import exact\n"
               "if sys.platform == 'win32':\n    import winreg\n"
               % (major, minor + 1, major, minor, major, minor, major, minor))
        co = compile(src, "x", "exec")
        raw = co.co_code
        at = [i for i in range(0, len(raw), 2) if raw[i] == fc.IMPORT_NAME]
        self.assertEqual(len(at), 6)  # sys newer older current exact winreg
        blocks = fc.version_blocks(co)
        skipped = [any(x <= i < y for x, y in blocks) for i in at]
        self.assertEqual(skipped, [False, True, True, False, False, False])


if __name__ == "__main__":
    unittest.main()


class Libraries(unittest.TestCase):
    def extensions(self):
        """Two extension modules of this python that need libraries (ldd lists them)."""
        folder = sysconfig_dynload()
        names = sorted(n for n in os.listdir(folder) if n.startswith(("_ssl", "_sqlite3")))
        self.assertEqual(len(names), 2, names)
        return [os.path.join(folder, n) for n in names]

    def test_ldd_answers_are_cached_by_file(self):
        files = self.extensions()
        plain = fc.resolve_libraries(files)
        self.assertIn("libssl.so.3", plain)
        self.assertIn("libsqlite3.so.0", plain)
        work = tempfile.mkdtemp(prefix="frost-ldd-test-")
        cache = os.path.join(work, "frost", "ldd.json")
        self.assertEqual(fc.resolve_libraries(files, cache), plain)
        with open(cache) as f:
            known = json.load(f)
        self.assertEqual(sorted(k.split("|")[0] for k in known), files)
        # The answer comes from the cache while the file is unchanged: a planted one shows.
        key = next(k for k in known if "_sqlite3" in k)
        known[key] = [["libsqlite3.so.0", "/planted/libsqlite3.so.0"]]
        with open(cache, "w") as f:
            json.dump(known, f)
        self.assertEqual(fc.resolve_libraries(files, cache)["libsqlite3.so.0"],
                         "/planted/libsqlite3.so.0")
        # A changed file (here a copy, then touched) is asked of ldd again.
        sqlite, other = sorted(files, key=lambda f: "_sqlite3" not in f)
        copy = os.path.join(work, os.path.basename(sqlite))
        with open(sqlite, "rb") as src, open(copy, "wb") as dst:
            dst.write(src.read())
        os.utime(copy, (1, 1))
        key_before = fc.ldd_key(copy, "s")
        os.utime(copy, (2, 2))
        self.assertNotEqual(fc.ldd_key(copy, "s"), key_before)
        again = fc.resolve_libraries([other, copy], cache)
        self.assertEqual(again["libsqlite3.so.0"], plain["libsqlite3.so.0"])
        # A damaged cache file is ignored.
        with open(cache, "w") as f:
            f.write("{not json")
        self.assertEqual(fc.resolve_libraries(files, cache), plain)


def sysconfig_dynload():
    import sysconfig
    return sysconfig.get_config_var("DESTSHARED") or os.path.join(
        sysconfig.get_paths()["platstdlib"], "lib-dynload")


class Strings(unittest.TestCase):
    def test_module_names_are_read_from_data_sections_only(self):
        folder = sysconfig_dynload()
        name = next(n for n in os.listdir(folder) if n.startswith("_decimal."))
        with open(os.path.join(folder, name), "rb") as f:
            data = f.read()
        ranges = fc.data_sections(data)
        self.assertTrue(ranges and all(0 <= a < b <= len(data) for a, b in ranges), ranges)
        self.assertLess(sum(b - a for a, b in ranges), len(data) // 2)
        found = set()
        for a, b in ranges:
            found.update(m.decode() for m in fc.MODULE_STRING.findall(data, a, b))
        # _decimal imports these from C (HIDDEN says so too); libc's names (.dynstr) are not
        # module names.
        self.assertTrue({"numbers", "collections"} <= found, sorted(found)[:50])
        self.assertNotIn("memcpy", found)
        self.assertEqual(fc.data_sections(b"not an ELF file"), [(0, 15)])
        self.assertEqual(fc.data_sections(data[:100]), [(0, 100)])
        # Cut anywhere, or with header fields changed, it gives ranges inside the file.
        for cut in list(range(0, 80)) + [len(data) // 2, len(data) - 1]:
            part = data[:cut]
            self.assertTrue(all(0 <= a <= b <= cut for a, b in fc.data_sections(part)), cut)
        rnd = random.Random(7)
        for _ in range(2000):
            bad = bytearray(data[:4096] + data[-4096:])
            for _ in range(rnd.randint(1, 8)):
                bad[rnd.randrange(len(bad))] = rnd.randrange(256)
            self.assertTrue(all(0 <= a <= b <= len(bad) for a, b in fc.data_sections(bytes(bad))))


class DistributionReport(unittest.TestCase):
    @staticmethod
    def site(dists):
        """A folder of installed distributions: name -> (files, Requires-Dist lines)."""
        root = tempfile.mkdtemp(prefix="frost-collect-site-")
        for name, (files, requires) in dists.items():
            info = os.path.join(root, name + "-1.0.dist-info")
            os.makedirs(info)
            record = []
            for rel, text in files.items():
                path = os.path.join(root, rel)
                os.makedirs(os.path.dirname(path), exist_ok=True)
                with open(path, "w") as f:
                    f.write(textwrap.dedent(text))
                record.append(rel + ",,")
            with open(os.path.join(info, "METADATA"), "w") as f:
                f.write("Metadata-Version: 2.1\nName: %s\nVersion: 1.0\n" % name
                        + "".join("Requires-Dist: %s\n" % r for r in requires))
            record += [name + "-1.0.dist-info/METADATA,,", name + "-1.0.dist-info/RECORD,,"]
            with open(os.path.join(info, "RECORD"), "w") as f:
                f.write("\n".join(record) + "\n")
        return root

    def test_each_distribution_says_how_the_program_reaches_it(self):
        site = self.site({
            "alpha": ({"alpha/__init__.py": "def later():\n    import beta\n"}, []),
            "beta": ({"beta/__init__.py": "X = 1\n", "beta/big.dat": "x" * 5000},
                     ["gamma", "delta; extra == 'never'"]),
            "gamma": ({"gamma/__init__.py": ""}, []),
            "delta": ({"delta/__init__.py": ""}, []),
        })
        out = collect({"main.py": "import alpha\n"}, extra={"paths": [site]})
        report = {d["name"]: d for d in out["distributions"]}
        self.assertEqual(sorted(report), ["alpha", "beta", "gamma"], "delta: an extra only")
        self.assertEqual(report["alpha"]["why"], "imported by main")
        self.assertEqual(report["alpha"]["through"], [])
        self.assertEqual(report["beta"]["why"], "imported by alpha")
        self.assertEqual(report["beta"]["through"], ["alpha"])
        self.assertEqual(report["gamma"]["why"], "required by beta")
        self.assertEqual(report["gamma"]["through"], ["beta", "alpha"])
        self.assertEqual(out["distributions"][0]["name"], "beta", "largest first")
        self.assertGreaterEqual(report["beta"]["bytes"], 5000)


class SourcesReadAsFiles(unittest.TestCase):
    def test_patterns_of_py_names(self):
        config = fc.source_pattern("config-{}.{}.py")
        self.assertTrue(config.fullmatch("cv2/config-3.11.py"))
        self.assertFalse(config.fullmatch("cv2/other.py"))
        self.assertTrue(fc.source_pattern("config.py").fullmatch("pkg/config.py"))
        self.assertTrue(fc.source_pattern("%s_loader.py").fullmatch("pkg/x_loader.py"))
        for generic in ("{}.py", "%s.py", ".py", "__init__.py", "setup.py", "pkg/__main__.py"):
            self.assertIsNone(fc.source_pattern(generic), generic)
