import Foundation
import Testing

/// A scratch folder with a frozen copy of a script, for one test.
struct Frozen {
  let dir: String
  let binary: String

  /// Freezes `source` (written as NAME in a new folder) with extra `frost build` flags.
  init(_ source: String, name: String = "prog.sh", flags: [String] = []) throws {
    dir = try CLI.tempDir()
    let script = dir + "/" + name
    try source.write(toFile: script, atomically: true, encoding: .utf8)
    binary = dir + "/prog"
    let r = try CLI.frost(["build", script, "-o", binary] + flags)
    guard r.status == 0 else { throw FrozenError(message: r.stderr) }
  }

  func run(_ args: [String] = [], stdin: Data? = nil) throws -> CLI.Result {
    try CLI.run(binary, args, stdin: stdin)
  }

  struct FrozenError: Error { var message: String }
}

@Suite("frost build: host-interpreter scripts")
struct BuildRunTests {
  @Test("the bundled sample freezes and runs, and says so")
  func sample() throws {
    let dir = try CLI.tempDir()
    defer { CLI.cleanup(dir) }
    let build = try CLI.frost(["build", CLI.sample("hello.sh")], cwd: dir)
    #expect(build.status == 0)
    #expect(build.stdout.hasPrefix("frost: wrote hello ("), "default output: name without extension")
    let r = try CLI.run(dir + "/hello", ["a b", ""])
    #expect(r.status == 0)
    #expect(r.stdout.hasPrefix("hello from hello (pid "))
    #expect(r.stdout.hasSuffix("), 2 argument(s)\n  [a b]\n  []\n"))
  }

  @Test("arguments pass through unchanged: spaces, empty strings, 10,000 of them")
  func arguments() throws {
    let f = try Frozen("#!/bin/bash\nprintf '%s|' \"$0\" \"$#\" \"$@\"\n")
    defer { CLI.cleanup(f.dir) }
    let r = try f.run(["a b", "", "-c", "--", "*"])
    #expect(r.stdout == "\(f.binary)|5|a b||-c|--|*|")
    let many = (0..<10_000).map { "arg\($0)" }
    let big = try f.run(many)
    #expect(big.stdout == "\(f.binary)|10000|" + many.map { $0 + "|" }.joined())
  }

  @Test("non-UTF-8 argument bytes arrive intact")
  func nonUTF8() throws {
    let f = try Frozen("#!/bin/sh\nprintf '%s' \"$1\" | od -An -tx1\n")
    defer { CLI.cleanup(f.dir) }
    let r = try CLI.run("/bin/bash", ["-c", "exec \"$0\" \"$(printf '\\xff\\xfe\\x80a')\"", f.binary])
    #expect(r.stdout.split(separator: " ").joined(separator: " ") == "ff fe 80 61\n")
  }

  @Test("$0 is the path typed, also through a symlink and from another folder")
  func argv0() throws {
    let f = try Frozen("#!/bin/sh\necho \"$0\"; pwd\n")
    defer { CLI.cleanup(f.dir) }
    try FileManager.default.createSymbolicLink(
      atPath: f.dir + "/link", withDestinationPath: f.binary)
    #expect(try CLI.run(f.dir + "/link").stdout == "\(f.dir)/link\n\(f.dir)\n".replacingOccurrences(of: "\n\(f.dir)\n", with: "\n\(FileManager.default.currentDirectoryPath)\n"))
    let r = try CLI.run("/bin/sh", ["-c", "cd / && exec \"$0\"", f.binary])
    #expect(r.stdout == "\(f.binary)\n/\n")
  }

  @Test("one process: the program has the stub's PID and its own exit status")
  func oneProcess() throws {
    let f = try Frozen("#!/bin/sh\necho $$\nexit 42\n")
    defer { CLI.cleanup(f.dir) }
    let r = try CLI.run("/bin/sh", ["-c", "echo $$; exec \"$0\"", f.binary])
    let pids = r.stdout.split(separator: "\n")
    #expect(pids.count == 2 && pids[0] == pids[1])
    #expect(r.status == 42)
  }

  @Test("death by a signal is the program's own")
  func signal() throws {
    let f = try Frozen("#!/bin/sh\nkill -TERM $$\necho survived\n")
    defer { CLI.cleanup(f.dir) }
    // The test runner's children inherit an ignored SIGTERM; give the program the default.
    let r = try CLI.run("/usr/bin/env", ["--default-signal=TERM", f.binary])
    #expect(r.signal == SIGTERM && r.stdout.isEmpty, "\(r)")
  }

  @Test("stdin, stdout and stderr are the program's own")
  func stdio() throws {
    let f = try Frozen("#!/bin/sh\ntr a-z A-Z\necho err >&2\n")
    defer { CLI.cleanup(f.dir) }
    let r = try f.run(stdin: Data("piped input\n".utf8))
    #expect(r.stdout == "PIPED INPUT\n" && r.stderr == "err\n")
  }

  @Test("no extra file descriptor reaches the program or its children")
  func noLeakedDescriptors() throws {
    let source = "#!/bin/bash\necho /proc/self/fd/*\nls /proc/self/fd\n"
    let f = try Frozen(source)
    defer { CLI.cleanup(f.dir) }
    try source.write(toFile: f.dir + "/plain.sh", atomically: true, encoding: .utf8)
    let plain = try CLI.runClean("/bin/bash", ["-c", ". \(f.dir)/plain.sh"])
    #expect(plain.stdout.hasPrefix("/proc/self/fd/0 /proc/self/fd/1 /proc/self/fd/2 /proc/self/fd/3\n"))
    let frozen = try CLI.runClean(f.binary)
    #expect(frozen.stdout == plain.stdout)
  }

  @Test("perl and python3 scripts run through their interpreters with $0 and argv intact")
  func otherInterpreters() throws {
    let perl = try Frozen(
      "#!/usr/bin/perl\nuse strict;\nprint \"$0 @ARGV \", __LINE__, \"\\n\"; exit 3;\n", name: "p.pl")
    defer { CLI.cleanup(perl.dir) }
    let pr = try perl.run(["x", "y"])
    #expect(pr.stdout == "\(perl.binary) x y 3\n" && pr.status == 3)
    let py = try Frozen(
      "#!/usr/bin/python3\nimport sys, os\nprint(sys.argv, __file__, sorted(os.listdir('/proc/self/fd')))\nsys.exit(5)\n",
      name: "q.py", flags: ["--host-python"])
    defer { CLI.cleanup(py.dir) }
    let qr = try CLI.runClean(py.binary, ["1", ""])
    #expect(qr.stdout == "['\(py.binary)', '1', ''] \(py.binary) ['0', '1', '2', '3']\n")
    #expect(qr.status == 5)
  }

  @Test("--host-python freezes a package folder with __main__.py, imports from memory")
  func hostPythonPackage() throws {
    let dir = try CLI.tempDir()
    defer { CLI.cleanup(dir) }
    let app = dir + "/app"
    try FileManager.default.createDirectory(atPath: app + "/util", withIntermediateDirectories: true)
    try "from util.greet import hi\nimport sys\nhi(sys.argv[1:])\n".write(
      toFile: app + "/__main__.py", atomically: true, encoding: .utf8)
    try "".write(toFile: app + "/util/__init__.py", atomically: true, encoding: .utf8)
    try "def hi(a):\n    print('hi', a, __name__, __file__.endswith('util/greet.py'))\n".write(
      toFile: app + "/util/greet.py", atomically: true, encoding: .utf8)
    #expect(try CLI.frost(["build", app, "--host-python", "-o", dir + "/out"]).status == 0)
    try FileManager.default.removeItem(atPath: app)
    let r = try CLI.run(dir + "/out", ["z"], cwd: "/")
    #expect(r.stdout == "hi ['z'] util.greet True\n")
  }

  @Test("--interpreter and --arg are used; a missing interpreter path falls back to PATH")
  func interpreterOption() throws {
    let dir = try CLI.tempDir()
    defer { CLI.cleanup(dir) }
    try "echo \"opts=$-\"\n".write(toFile: dir + "/s", atomically: true, encoding: .utf8)
    try FileManager.default.copyItem(atPath: "/bin/bash", toPath: dir + "/bash")
    let r = try CLI.frost([
      "build", dir + "/s", "--interpreter", dir + "/bash", "--arg", "-u", "-o", dir + "/b",
    ])
    #expect(r.status == 0)
    try FileManager.default.removeItem(atPath: dir + "/bash")
    let run = try CLI.run(dir + "/b")
    #expect(run.status == 0 && run.stdout.hasPrefix("opts=") && run.stdout.contains("u"))
  }

  @Test("the output is byte-identical for the same inputs")
  func reproducible() throws {
    let dir = try CLI.tempDir()
    defer { CLI.cleanup(dir) }
    _ = try CLI.frost(["build", CLI.sample("hello.sh"), "-o", dir + "/a"])
    _ = try CLI.frost(["build", CLI.sample("hello.sh"), "-o", dir + "/b"], env: ["SOURCE_DATE_EPOCH": "1"])
    let a = try Data(contentsOf: URL(fileURLWithPath: dir + "/a"))
    #expect(a == (try Data(contentsOf: URL(fileURLWithPath: dir + "/b"))))
  }
}

@Suite("Frost binaries survive strip, objcopy and copies")
struct StripTests {
  @Test(
    "the program still runs after each tool",
    arguments: [
      ["strip", "IN"], ["strip", "--strip-all", "IN"], ["objcopy", "IN", "OUT"], ["cp", "IN", "OUT"],
      ["mv", "IN", "OUT"],
    ])
  func survives(tool: [String]) throws {
    let f = try Frozen("#!/bin/sh\necho survived \"$@\"\n")
    defer { CLI.cleanup(f.dir) }
    let out = tool.contains("OUT") ? f.dir + "/other" : f.binary
    let args = tool.dropFirst().map { $0 == "IN" ? f.binary : $0 == "OUT" ? out : $0 }
    #expect(try CLI.run("/usr/bin/env", [tool[0]] + args).status == 0)
    let r = try CLI.run(out, ["ok"])
    #expect(r.stdout == "survived ok\n" && r.status == 0)
    #expect(try CLI.frost(["verify", out]).status == 0)
  }

  @Test("readelf lists the .frost section and prints no warning")
  func readelf() throws {
    let f = try Frozen("#!/bin/sh\necho\n")
    defer { CLI.cleanup(f.dir) }
    let sections = try CLI.run("/usr/bin/readelf", ["-S", "-W", f.binary])
    #expect(sections.stdout.contains(" .frost ") && sections.stdout.contains("PROGBITS"))
    let all = try CLI.run("/usr/bin/readelf", ["-a", "-W", f.binary])
    #expect(all.status == 0 && all.stderr.isEmpty)
    #expect(!all.stdout.lowercased().contains("warning"))
  }
}

@Suite("frost finds its stubs")
struct StubLocationTests {
  @Test("--version prints the version")
  func version() throws {
    let r = try CLI.frost(["--version"])
    #expect(r.status == 0 && r.stdout == "0.1.0\n")
  }

  @Test("installed as bin/frost with the stubs in ../libexec/frost, or with FROST_STUB_DIR")
  func installedLayout() throws {
    let root = try CLI.tempDir()
    defer { CLI.cleanup(root) }
    let fm = FileManager.default
    try fm.createDirectory(atPath: root + "/bin", withIntermediateDirectories: true)
    try fm.createDirectory(atPath: root + "/libexec/frost", withIntermediateDirectories: true)
    try fm.copyItem(atPath: CLI.frost, toPath: root + "/bin/frost")
    try fm.copyItem(
      atPath: CLI.binDir.path + "/frost-stub-host", toPath: root + "/libexec/frost/frost-stub-host")
    let r = try CLI.run(root + "/bin/frost", ["build", CLI.sample("hello.sh"), "-o", root + "/h"])
    #expect(r.status == 0, "\(r.stderr)")
    #expect(try CLI.run(root + "/h").stdout.hasPrefix("hello from h "))
    try fm.removeItem(atPath: root + "/libexec")
    let missing = try CLI.run(root + "/bin/frost", ["build", CLI.sample("hello.sh"), "-o", root + "/h2"])
    #expect(missing.status == 1 && missing.stderr.contains("stub 'frost-stub-host' not found"))
    let env = ["FROST_STUB_DIR": CLI.binDir.path, "PATH": "/usr/bin:/bin"]
    let viaEnv = try CLI.run(root + "/bin/frost", ["build", CLI.sample("hello.sh"), "-o", root + "/h3"], env: env)
    #expect(viaEnv.status == 0)
  }
}

@Suite("What a host-interpreter binary is and does at run time")
struct HostRuntimeTests {
  @Test("the stub is a plain C executable: ldd lists only glibc's libraries")
  func lddGlibcOnly() throws {
    let r = try CLI.run("/usr/bin/ldd", [CLI.binDir.path + "/frost-stub-host"])
    let libs = r.stdout.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
    #expect(!libs.isEmpty)
    for lib in libs {
      #expect(CLI.isGlibcLibrary(lib), "unexpected dependency: \(lib)")
    }
  }

  @Test("a run creates no file and opens none for writing (strace -f)")
  func writesNothing() throws {
    let dir = try CLI.tempDir()
    defer { CLI.cleanup(dir) }
    _ = try CLI.frost(["build", CLI.sample("hello.sh"), "-o", dir + "/hello"])
    let (r, calls) = try CLI.strace(
      "open,openat,creat,mkdir,rename,unlink", log: dir + "/trace", [dir + "/hello", "x"])
    #expect(r.status == 0 && r.stdout.hasPrefix("hello from hello"))
    #expect(calls.contains { $0.contains("memfd") || $0.contains("/proc/self/fd/") })
    // bash probes its controlling terminal; that is the interpreter's, not a file written.
    for call in calls where !call.contains("\"/dev/tty\"") {
      #expect(!call.contains("O_WRONLY") && !call.contains("O_RDWR") && !call.contains("O_CREAT"), "\(call)")
      #expect(!call.contains("creat(") && !call.contains("mkdir(") && !call.contains("rename("), "\(call)")
    }
  }

  @Test("--compress-level 0 stores entries as they are; 9 compresses them")
  func compressLevel() throws {
    let dir = try CLI.tempDir()
    defer { CLI.cleanup(dir) }
    let script = "#!/bin/sh\n" + String(repeating: "echo same line again\n", count: 200)
    try script.write(toFile: dir + "/s.sh", atomically: true, encoding: .utf8)
    _ = try CLI.frost(["build", dir + "/s.sh", "-o", dir + "/l0", "--compress-level", "0"])
    _ = try CLI.frost(["build", dir + "/s.sh", "-o", dir + "/l9", "--compress-level", "9"])
    let l0 = try CLI.frost(["ls", dir + "/l0"]).stdout
    let l9 = try CLI.frost(["ls", dir + "/l9"]).stdout
    #expect(l0.contains(" 4210    4210  100.0%"))
    #expect(l9.contains(" 4210      "))
    #expect(!l9.contains("100.0%"))
    #expect(try CLI.run(dir + "/l0").stdout == (try CLI.run(dir + "/l9").stdout))
    let bad = try CLI.frost(["build", dir + "/s.sh", "--compress-level", "12"])
    #expect(bad.status == 1)
    #expect(bad.stderr == "frost: --compress-level 12 is not in 0-9 (zlib payload)\n")
    #expect(try CLI.frost(["build", dir + "/s.sh", "--compress-level", "20"]).status != 0)
  }
}

@Suite("Host-interpreter binaries as services")
struct HostServiceTests {
  @Test("--host-python programs get the frost runtime module")
  func frostModule() throws {
    let f = try Frozen(
      "import frost\nprint(frost.is_inetd(), frost.listen_sockets())\n", name: "svc.py",
      flags: ["--host-python"])
    defer { CLI.cleanup(f.dir) }
    let r = try f.run()
    #expect(r.status == 0, "\(r.stderr)")
    #expect(r.stdout == "False []\n")
  }

  @Test("a shell script built --daemon detaches, holds its pidfile and keeps one process")
  func shellDaemon() throws {
    let dir = try CLI.tempDir()
    defer { CLI.cleanup(dir) }
    let pidfile = dir + "/d.pid"
    try "#!/bin/sh\necho \"$$ $PPID $(pwd)\" > \(dir)/info\nexec sleep 30\n".write(
      toFile: dir + "/d.sh", atomically: true, encoding: .utf8)
    #expect(try CLI.frost(["build", dir + "/d.sh", "--daemon", "--pidfile", pidfile, "-o", dir + "/d"]).status == 0)
    let launch = try CLI.run(dir + "/d", env: ["PATH": "/usr/bin:/bin"])
    #expect(launch.status == 0, "\(launch.stderr)")
    var info = ""
    for _ in 0..<100 where info.isEmpty {
      usleep(20_000)
      info = (try? String(contentsOfFile: dir + "/info", encoding: .utf8)) ?? ""
    }
    let fields = info.split(separator: " ").map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
    try #require(fields.count == 3, "no daemon: \(info)")
    let pid = try #require(Int32(fields[0]))
    defer { kill(pid, SIGKILL) }
    #expect(try String(contentsOfFile: pidfile, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines) == fields[0], "the pidfile names the script's own process")
    #expect(fields[2] == "/")
    let again = try CLI.run(dir + "/d", env: ["PATH": "/usr/bin:/bin"])
    #expect(again.status == 1 && again.stderr.contains("already running"), "\(again.stderr)")
  }
}
