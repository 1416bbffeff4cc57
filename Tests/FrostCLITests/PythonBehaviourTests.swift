import Foundation
import FrostKit
import Testing

/// Behaviour of self-contained Python programs (`frost build app.py`): what the program sees,
/// exit statuses, signals, isolation from files around it.
@Suite("Self-contained Python: behaviour")
struct PythonBehaviourTests {
  @Test("hello runs and the binary needs only glibc's libraries")
  func helloGlibcOnly() throws {
    let root = try PythonFixtures.project(["hello.py": "print('hello from frost')\n"])
    defer { CLI.cleanup(root) }
    let (bin, log) = PythonFixtures.build("hello", [root + "/hello.py"])
    let path = try #require(bin, "\(log)")
    #expect(log.contains("frost: python: "))
    let r = try CLI.run(path)
    #expect(r.status == 0)
    #expect(r.stdout == "hello from frost\n")
    let ldd = try CLI.run("/usr/bin/ldd", [path])
    let libs = ldd.stdout.split(separator: "\n").compactMap {
      $0.split(whereSeparator: { $0 == " " || $0 == "\t" }).first.map {
        String($0.split(separator: "/").last ?? $0)
      }
    }
    #expect(
      // "statically": the packed loader (a program loading 4 MiB or more at start) needs none.
      Set(libs).isSubset(of: CLI.glibcLibraries.union(["statically"])),
      "\(libs)")
  }

  @Test("sys.argv, sys.executable, sys.frozen, __file__, __cached__ and __spec__ of every module")
  func programSees() throws {
    let path = try #require(PythonFixtures.probe.binary)
    let r = try CLI.run(path, ["a", "b c"])
    #expect(r.status == 0, "\(r.stderr)")
    #expect(
      r.stdout == """
        argv ['a', 'b c']
        executable True
        frozen False
        file True __main__ probe
        helper True True
        json True json
        cached True True
        os True
        path True
        all have __file__ []

        """)
  }

  @Test("sys.exit(n) gives status n")
  func exitStatus() throws {
    let path = try #require(PythonFixtures.probe.binary)
    for n in [0, 3, 7, 255] {
      #expect(try CLI.run(path, ["exit", String(n)]).status == Int32(n))
    }
  }

  @Test("an uncaught exception: status 1, traceback with file names, lines and source lines")
  func tracebackWithSource() throws {
    let path = try #require(PythonFixtures.probe.binary)
    let r = try CLI.run(path, ["raise"])
    #expect(r.status == 1)
    #expect(
      r.stderr == """
        Traceback (most recent call last):
          File "\(path)/lib/probe.py", line 17, in <module>
            helper.fail()
          File "\(path)/lib/helper.py", line 2, in fail
            raise ValueError("boom")
        ValueError: boom

        """)
  }

  @Test("by default a traceback shows source lines, as under python3; with --no-include-source only file names and line numbers")
  func tracebackDefaultAndWithoutSource() throws {
    let root = try PythonFixtures.project(["t.py": "def f():\n    1 / 0\nf()\n"])
    defer { CLI.cleanup(root) }
    let plain = try #require(PythonFixtures.build("tb", [root + "/t.py"]).0)
    let r = try CLI.run(plain)
    #expect(r.status == 1)
    #expect(
      r.stderr == """
        Traceback (most recent call last):
          File "\(plain)/lib/t.py", line 3, in <module>
            f()
          File "\(plain)/lib/t.py", line 2, in f
            1 / 0
            ~~^~~
        ZeroDivisionError: division by zero

        """)
    let path = try #require(PythonFixtures.build("tb2", [root + "/t.py", "--no-include-source"]).0)
    let bare = try CLI.run(path)
    #expect(bare.status == 1)
    #expect(
      bare.stderr == """
        Traceback (most recent call last):
          File "\(path)/lib/t.py", line 3, in <module>
          File "\(path)/lib/t.py", line 2, in f
        ZeroDivisionError: division by zero

        """)
  }

  @Test(
    "--unbuffered (or unbuffered = true in [tool.frost]) is python3 -u; PYTHONUNBUFFERED is not read"
  )
  func unbuffered() throws {
    let root = try PythonFixtures.project([
      "u.py": """
      import os, sys
      print("out 1")
      os.write(2, b"err\\n")
      print("out 2")
      print(sys.stdout.write_through, type(sys.stdout.buffer).__name__)

      """
    ])
    defer { CLI.cleanup(root) }
    /// stdout and stderr of `command` through one pipe, as a service manager collects them.
    func merged(_ command: String, _ env: [String: String] = [:]) throws -> String {
      let all = ProcessInfo.processInfo.environment.merging(env) { $1 }
      return try CLI.run("/bin/sh", ["-c", command + " 2>&1"], env: all).stdout
    }
    let buffered = try #require(PythonFixtures.build("buffered", [root + "/u.py"]).0)
    let flag = try #require(PythonFixtures.build("unbuffered", [root + "/u.py", "--unbuffered"]).0)
    let python = "/usr/bin/python3 -I " + root + "/u.py"
    #expect(try merged(flag) == "out 1\nerr\nout 2\nTrue FileIO\n")
    #expect(try merged(flag) == merged("/usr/bin/python3 -I -u " + root + "/u.py"))
    let variable = ["PYTHONUNBUFFERED": "1"]
    #expect(try merged(buffered, variable) == "err\nout 1\nout 2\nFalse BufferedWriter\n")
    #expect(try merged(buffered, variable) == merged(python))
    try "[tool.frost]\nunbuffered = true\n".write(
      toFile: root + "/pyproject.toml", atomically: true, encoding: .utf8)
    let project = try #require(PythonFixtures.build("unbuffered-toml", [root + "/u.py"]).0)
    #expect(try merged(project) == "out 1\nerr\nout 2\nTrue FileIO\n")
  }

  @Test("--optimize 1 and 2 (or optimize in [tool.frost]) are python3 -O and -OO")
  func optimize() throws {
    let root = try PythonFixtures.project([
      "o.py": """
      import sys
      def f():
          "doc"
      try:
          assert False, "kept"
          print("asserts dropped")
      except AssertionError as e:
          print("assert", e)
      print(__debug__, eval("__debug__"), f.__doc__, sys.flags.optimize)

      """
    ])
    defer { CLI.cleanup(root) }
    for (level, flag) in [(0, ""), (1, "-O"), (2, "-OO")] {
      let built = PythonFixtures.build(
        "opt\(level)", [root + "/o.py", "--optimize", String(level)])
      let path = try #require(built.0, "\(built.1)")
      let python = try CLI.run(
        "/usr/bin/python3", ["-I"] + (flag.isEmpty ? [] : [flag]) + [root + "/o.py"])
      #expect(try CLI.run(path).stdout == python.stdout)
    }
    #expect(
      try CLI.run(PythonFixtures.dir + "/opt2").stdout == "asserts dropped\nFalse False None 2\n")
    try "[tool.frost]\noptimize = 2\n".write(
      toFile: root + "/pyproject.toml", atomically: true, encoding: .utf8)
    let project = try #require(PythonFixtures.build("opt-toml", [root + "/o.py"]).0)
    #expect(try CLI.run(project).stdout == "asserts dropped\nFalse False None 2\n")
    try PythonFixtures.expectRefused(
      root, setting: "optimize = 3", script: "o.py",
      message: "optimize = 3: expected 0, 1 or 2")
  }

  @Test("SIGINT ends the program by SIGINT (KeyboardInterrupt), as python3 does")
  func sigint() throws {
    let path = try #require(PythonFixtures.probe.binary)
    let (status, bySignal) = try PythonFixtures.runAndSignal(path, ["sleep"], signal: SIGINT)
    #expect(bySignal && status == SIGINT)
  }

  @Test("SIGTERM reaches the program itself: its handler runs, or it dies by SIGTERM")
  func sigterm() throws {
    let path = try #require(PythonFixtures.probe.binary)
    let handled = try PythonFixtures.runAndSignal(path, ["sleep", "handler"], signal: SIGTERM)
    #expect(handled == (3, false))
    let plain = try PythonFixtures.runAndSignal(path, ["sleep"], signal: SIGTERM)
    #expect(plain == (SIGTERM, true))
  }

  @Test(
    "hostile encodings/, os.py, json.py, sitecustomize.py in the cwd or next to the binary do not load"
  )
  func hostileFiles() throws {
    let path = try #require(PythonFixtures.probe.binary)
    let dir = try CLI.tempDir("frost-hostile")
    defer { CLI.cleanup(dir) }
    let bomb = "raise SystemExit('hostile file imported')\n"
    for folder in [dir, dir + "/bin"] {
      try FileManager.default.createDirectory(
        atPath: folder + "/encodings", withIntermediateDirectories: true)
      for file in [
        "encodings/__init__.py", "os.py", "json.py", "helper.py", "sitecustomize.py",
        "usercustomize.py", "pyvenv.cfg",
      ] {
        try bomb.write(toFile: folder + "/" + file, atomically: true, encoding: .utf8)
      }
    }
    try FileManager.default.copyItem(atPath: path, toPath: dir + "/bin/probe")
    let env = [
      "PYTHONPATH": dir, "PYTHONHOME": dir, "PYTHONSTARTUP": dir + "/os.py",
      "PATH": "/usr/bin:/bin",
    ]
    let r = try CLI.run(dir + "/bin/probe", ["x"], env: env, cwd: dir)
    #expect(r.status == 0, "\(r.stderr)")
    #expect(r.stdout.hasPrefix("argv ['x']\nexecutable True\n"))
    #expect(!r.stderr.contains("hostile"))
  }

  @Test("multiprocessing with spawn and forkserver works without freeze_support()")
  func multiprocessing() throws {
    let source = """
      import multiprocessing as mp
      import sys

      def square(n):
          return n * n

      if __name__ == "__main__":
          for method in sys.argv[1:]:
              ctx = mp.get_context(method)
              with ctx.Pool(2) as pool:
                  print(method, pool.map(square, range(5)))
              q = ctx.Queue()
              p = ctx.Process(target=q.put, args=(method + " child",))
              p.start()
              print(q.get())
              p.join()
              print("exitcode", p.exitcode)

      """
    let root = try PythonFixtures.project(["mp.py": source])
    defer { CLI.cleanup(root) }
    let path = try #require(PythonFixtures.build("mp", [root + "/mp.py"]).0)
    let r = try PythonFixtures.runClean(path, ["spawn", "forkserver"])
    #expect(r.status == 0, "\(r.stderr)")
    #expect(
      r.stdout == """
        spawn [0, 1, 4, 9, 16]
        spawn child
        exitcode 0
        forkserver [0, 1, 4, 9, 16]
        forkserver child
        exitcode 0

        """)
  }

  @Test("the program re-executing sys.executable gets python3: -m, -c, -u, a module's file, stdin, itself again")
  func reexecutedAsPython() throws {
    // loky's workers (-m MODULE), its resource tracker (-c CODE), anyio's (-u -m), py-cpuinfo
    // (a module's __file__), reloaders ([sys.executable] + sys.argv); from a shell the same
    // arguments stay the program's.
    let source = """
      import json.tool, os, subprocess, sys
      if os.environ.get("AGAIN"):
          print("program again", sys.argv[1:])
          sys.exit(0)
      def run(args, data=b'{"a": 1}'):
          r = subprocess.run([sys.executable] + args, input=data, capture_output=True,
                             env=dict(os.environ, AGAIN="1"))
          print(args[-1] if args[0] == "-c" else args[0][-12:], r.returncode,
                r.stdout.decode().split(), r.stderr.decode().strip()[-40:])
      run([json.tool.__file__])
      run(["-m", "json.tool", "--compact"])
      run(["-B", "-S", "-I", "-c", "import sys; print(sys.argv, sys.stdin.read())", "x"])
      run(["-u", "-c", "import sys; print(sys.stdout.write_through)"])
      run(["-"], b"print('from stdin')")
      run(["-Wdefault"] + sys.argv + ["again"])
      run(["-m", "no_such_module_anywhere"])

      """
    let root = try PythonFixtures.project(["reexec.py": source])
    defer { CLI.cleanup(root) }
    let path = try #require(PythonFixtures.build("reexec", [root + "/reexec.py"]).0)
    let r = try PythonFixtures.runClean(path, ["arg"])
    let host = try CLI.run("/usr/bin/python3", [root + "/reexec.py", "arg"])
    #expect(r.status == 0, "\(r.stderr)")
    #expect(r.stdout == host.stdout, "frozen:\n\(r.stdout)\npython3:\n\(host.stdout)")
    #expect(r.stdout.contains("-Wdefault 0 ['program', 'again', \"['arg',\", \"'again']\"]"))
    #expect(r.stdout.contains("-m 0 ['{\"a\":1}']"))
    // From a shell, interpreter-like arguments are the program's own.
    let shell = try CLI.run(path, ["-c", "print(1)"], env: ["AGAIN": "1"])
    #expect(shell.stdout == "program again ['-c', 'print(1)']\n", "\(shell.stdout)\(shell.stderr)")
  }

  @Test("a package folder with __main__.py: importlib.resources, pkgutil.get_data, iter_modules")
  func packageResources() throws {
    let path = try #require(PythonFixtures.build("pkgapp", [CLI.sample("pkgapp")]).0)
    let frozen = try CLI.run(path, ["you"])
    let python = try CLI.run(
      PythonFixtures.python, ["-m", "pkgapp", "you"], cwd: CLI.repoRoot.path + "/samples")
    #expect(frozen.status == 0, "\(frozen.stderr)")
    #expect(frozen.stdout == python.stdout)
    #expect(frozen.stdout.contains("resource Frost says hi\nget_data Frost says hi\n"))
  }

  @Test("-m runs a module of the current folder; --add-data bundles files under a package")
  func moduleAndAddData() throws {
    let root = try PythonFixtures.project([
      "tool/__init__.py": "",
      "tool/cli.py":
        "import pkgutil\nprint(pkgutil.get_data('tool', 'extra/notes.txt').decode().strip())\n",
      "notes.txt": "added data\n",
    ])
    defer { CLI.cleanup(root) }
    let (bin, log) = PythonFixtures.build(
      "tool", ["-m", "tool.cli", "--add-data", "notes.txt:tool/extra"], cwd: root)
    let path = try #require(bin, "\(log)")
    let r = try CLI.run(path)
    #expect(r.stdout == "added data\n", "\(r.stderr)")
  }

  @Test("--add-data of a folder that a bundled package brings anyway: one copy, no conflict")
  func addDataOverlap() throws {
    let root = try PythonFixtures.project([
      "app/__init__.py": "",
      "app/notes/a.txt": "package data\n",
      "other/a.txt": "other data\n",
      "main.py": "import app, pkgutil\nprint(pkgutil.get_data('app', 'notes/a.txt').decode())\n",
    ])
    defer { CLI.cleanup(root) }
    let (bin, log) = PythonFixtures.build(
      "add-data-overlap", [root + "/main.py", "--add-data", root + "/app/notes:app/notes"],
      cwd: root)
    let path = try #require(bin, "\(log)")
    #expect(try CLI.run(path).stdout == "package data\n\n")
    #expect(
      try PayloadFile.open(path).entries.filter { $0.path == "lib/app/notes/a.txt" }.count == 1)
    // Another file for the same place is still refused, in one line, and nothing is written.
    let r = try CLI.frost(
      [
        "build", root + "/main.py", "--add-data", root + "/other/a.txt:app/notes", "-o",
        root + "/out",
      ],
      cwd: root)
    #expect(r.status != 0)
    #expect(r.stderr.hasSuffix("two entries have the path 'lib/app/notes/a.txt'\n"), "\(r.stderr)")
    #expect(r.stderr.split(separator: "\n").count == 1)
    #expect(!FileManager.default.fileExists(atPath: root + "/out"))
  }

  @Test("two builds of the same program are byte for byte the same")
  func reproducible() throws {
    let a = try #require(PythonFixtures.build("repro-a", [CLI.sample("pkgapp")]).0)
    let b = try #require(PythonFixtures.build("repro-b", [CLI.sample("pkgapp")]).0)
    #expect(
      try Data(contentsOf: URL(fileURLWithPath: a)) == Data(contentsOf: URL(fileURLWithPath: b)))
  }

  @Test("a syntax error in the program is one line naming the file and line, and no output")
  func syntaxError() throws {
    let root = try PythonFixtures.project(["bad.py": "x = 1\ndef f(:\n"])
    defer { CLI.cleanup(root) }
    let r = try CLI.frost(["build", root + "/bad.py", "-o", root + "/bad"])
    #expect(r.status == 1)
    #expect(r.stderr == "frost: syntax error: \(root)/bad.py:2: invalid syntax\n", "\(r.stderr)")
    #expect(!FileManager.default.fileExists(atPath: root + "/bad"))
  }
}
