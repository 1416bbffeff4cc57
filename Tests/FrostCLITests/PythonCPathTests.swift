import Foundation
import Testing

/// C code given a payload path (stubs/python/stub_vfs.c, stub_vfs_dir.c): paths with "." and
/// ".." components, a library that is not there, the stat entry points of glibc before 2.33,
/// and opendir(). Found by freezing PyPI programs: pycryptodome dlopens
/// `Crypto/Util/../Util/_cpuid_c.so`, cffi crashed formatting the NULL dlerror() of a missing
/// library, and pyproj's bundled SQLite (a manylinux2014 wheel) lstats each folder up to
/// proj.db with `__lxstat64`. Each program uses only the standard library and ctypes, prints
/// what python3 prints for it, and is compared with python3's own run of it.
@Suite("Self-contained Python: C code given payload paths")
struct PythonCPathTests {
  /// Builds `main` beside a package `pkg` holding `data/a.txt` ("alpha") and `data/b.txt`
  /// ("beta"), runs the binary with every host Python hidden and the script under python3;
  /// both must print `expected` and succeed.
  static func check(_ main: String, expected: String) throws {
    let root = try PythonFixtures.project([
      "main.py": main,
      "pkg/__init__.py": "",
      "pkg/data/a.txt": "alpha\n",
      "pkg/data/b.txt": "beta\n",
    ])
    defer { CLI.cleanup(root) }
    let build = try CLI.frost(["build", root + "/main.py", "-o", root + "/main"], cwd: root)
    try #require(build.status == 0, "\(build.stderr)")
    let frozen = try PythonFixtures.runHidden(root + "/main")
    #expect(frozen.status == 0 && frozen.signal == nil, "\(frozen.stderr)")
    #expect(frozen.stdout == expected, "\(frozen.stdout)")
    let python = try CLI.run(PythonFixtures.python, ["-B", root + "/main.py"], cwd: root)
    #expect(python.status == 0 && python.stdout == expected, "\(python.stdout)\(python.stderr)")
  }

  @Test("fopen, open and ctypes.CDLL of payload paths with '.', '..' and '//' in them")
  func dotDot() throws {
    try Self.check(
      """
      import ctypes, os, _ctypes, pkg
      libc = ctypes.CDLL(None, use_errno=True)
      libc.fopen.restype = ctypes.c_void_p
      libc.fread.argtypes = [ctypes.c_char_p, ctypes.c_size_t, ctypes.c_size_t, ctypes.c_void_p]
      libc.fclose.argtypes = [ctypes.c_void_p]
      d = os.path.dirname(pkg.__file__)
      def c_fopen(path):
          f = libc.fopen(path.encode(), b"r")
          if not f:
              return os.strerror(ctypes.get_errno())
          buf = ctypes.create_string_buffer(64)
          n = libc.fread(buf, 1, 64, f)
          libc.fclose(f)
          return buf.raw[:n].decode().strip()
      def c_open(path):
          fd = libc.open(path.encode(), os.O_RDONLY)
          if fd < 0:
              return os.strerror(ctypes.get_errno())
          try:
              return os.read(fd, 64).decode().strip()
          finally:
              os.close(fd)
      print(c_fopen(d + "/data/../data/a.txt"), c_fopen(d + "/./data//b.txt"))
      print(c_open(d + "/../pkg/data/./a.txt"), c_open(d + "//data/../data/b.txt"))
      ext = os.path.dirname(_ctypes.__file__)  # <binary>/lib frozen, lib-dynload under python3
      lib = ctypes.CDLL(ext + "/./../" + os.path.basename(ext) + "//" + os.path.basename(_ctypes.__file__))
      print(hasattr(lib, "PyInit__ctypes"))

      """,
      expected: "alpha beta\nalpha beta\nTrue\n")
  }

  @Test("ctypes.CDLL of a library missing under the binary fails with glibc's message")
  func missingLibrary() throws {
    try Self.check(
      """
      import ctypes, sys
      try:
          ctypes.CDLL(sys.executable + "/lib/missing.so")
      except OSError as e:
          print(str(e).replace(sys.executable, "EXE"))

      """,
      expected: "EXE/lib/missing.so: cannot open shared object file: Not a directory\n")
  }

  @Test("glibc's old stat entry points (__xstat64, __lxstat64, ...) answer payload files and folders")
  func oldStatEntryPoints() throws {
    let file = "['file', 'file', 'file', 'file', 'file', 'file']\n"
    let folder = "['folder', 'folder', 'folder', 'folder', 'folder', 'folder']\n"
    let missing = "['" + Array(repeating: "No such file or directory", count: 6).joined(separator: "', '") + "']\n"
    try Self.check(
      """
      import ctypes, os, stat, struct, sys, pkg
      libc = ctypes.CDLL(None, use_errno=True)
      d = os.path.dirname(pkg.__file__)
      buf = ctypes.create_string_buffer(256)
      def kind(r):
          if r != 0:
              return os.strerror(ctypes.get_errno())
          mode = struct.unpack_from("=I", buf, 24)[0]  # st_mode of x86-64's struct stat
          return "file" if stat.S_ISREG(mode) else "folder" if stat.S_ISDIR(mode) else oct(mode)
      for path in (d + "/data/a.txt", d + "/data", d + "/data/", d + "/data/../data", d + "/nope"):
          p = path.encode()  # _STAT_VER_LINUX is 1 on x86-64; AT_FDCWD -100
          print([kind(libc.__xstat64(1, p, buf)), kind(libc.__lxstat64(1, p, buf)),
                 kind(libc.__xstat(1, p, buf)), kind(libc.__lxstat(1, p, buf)),
                 kind(libc.__fxstatat64(1, -100, p, buf, 0)),
                 kind(libc.__fxstatat(1, -100, p, buf, 0x100))])
      print(kind(libc.__xstat64(3, (d + "/data/a.txt").encode(), buf)))
      # ".." above the binary: an ordinary path again, which the kernel refuses (a file's child)
      print(kind(libc.stat((sys.executable + "/../" + os.path.basename(sys.executable)).encode(), buf)))

      """,
      expected: file + folder + folder + folder + missing + "Invalid argument\nNot a directory\n")
  }

  @Test("opendir and readdir list a payload folder")
  func listFolder() throws {
    let names = "[('.', 4), ('..', 4), ('a.txt', 8), ('b.txt', 8)]\n"
    try Self.check(
      """
      import ctypes, os, pkg
      class Dirent(ctypes.Structure):
          _fields_ = [("d_ino", ctypes.c_uint64), ("d_off", ctypes.c_int64),
                      ("d_reclen", ctypes.c_ushort), ("d_type", ctypes.c_ubyte),
                      ("d_name", ctypes.c_char * 256)]
      libc = ctypes.CDLL(None, use_errno=True)
      libc.opendir.restype = ctypes.c_void_p
      for f in (libc.readdir, libc.readdir64):
          f.restype = ctypes.POINTER(Dirent)
          f.argtypes = [ctypes.c_void_p]
      libc.closedir.argtypes = [ctypes.c_void_p]
      d = os.path.dirname(pkg.__file__)
      def names(path, readdir):
          h = libc.opendir(path.encode())
          if not h:
              return os.strerror(ctypes.get_errno())
          out = []
          while True:
              e = readdir(h)
              if not e:
                  break
              out.append((e.contents.d_name.decode(), e.contents.d_type))
          libc.closedir(h)
          return sorted(out)
      print(names(d + "/data", libc.readdir))
      print(names(d + "/../pkg/data/", libc.readdir64))
      print(names(d + "/data/a.txt", libc.readdir), names(d + "/nope", libc.readdir))

      """,
      expected: names + names + "Not a directory No such file or directory\n")
  }
}
