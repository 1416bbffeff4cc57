import ArgumentParser
import FrostKit

extension FrostCommand {
  struct Build: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Freeze a script into one executable file.",
      discussion: """
        The interpreter comes from --interpreter or from the script's #! line. The output is \
        the stub followed by a .frost ELF section holding the zlib-compressed script.

          $ frost build samples/hello.sh -o hello
          $ frost build tool.pl --interpreter perl --arg -w
          $ frost build app/ --host-python -o app
        """)

    @Argument(
      help:
        "The script (or, with --host-python, a folder with __main__.py). Without it: --console-script, or the [project.scripts] of ./pyproject.toml."
    )
    var script: String?

    @Option(
      name: .shortAndLong, help: "Output file (default: the script's name without extension).")
    var output: String?

    @Option(help: "Interpreter path or name (default: the script's #! line).")
    var interpreter: String?

    @Option(
      name: .customLong("arg"), parsing: .unconditionalSingleValue,
      help: "A fixed argument for the interpreter (repeatable).")
    var args: [String] = []

    @Option(
      help:
        "Compression level: zlib 0-9 for scripts (default 9), zstd 0-19 for Python (default 6); 0 stores."
    )
    var compressLevel: Int?

    @Flag(help: "Run a Python script or package folder with the host's python3.")
    var hostPython = false

    @Flag(help: "Detach as a daemon at start (double fork, setsid, pidfile).")
    var daemon = false

    @Option(help: "Pidfile written and locked in daemon mode.")
    var pidfile: String?

    @OptionGroup(title: "Self-contained Python (a .py file, a folder with __main__.py, or -m)")
    var python: PythonOptions

    func validate() throws {
      if let compressLevel, !(0...19).contains(compressLevel) {
        throw ValidationError("--compress-level must be 0-19")
      }
      if pidfile != nil && !daemon { throw ValidationError("--pidfile needs --daemon") }
      if let level = python.optimize, !PythonFreezer.Request.optimizeLevels.contains(level) {
        throw ValidationError("--optimize must be 0, 1 or 2")
      }
    }

    func run() throws {
      if let script {
        build(script: script, console: nil)
      } else if let name = python.consoleScript {
        build(script: name, console: (name, nil))
      } else {
        buildProjectScripts()
      }
    }

    /// `frost build` with no script: each `[project.scripts]` entry of ./pyproject.toml.
    func buildProjectScripts() {
      let path = "pyproject.toml"
      let scripts: [(name: String, value: String)]
      do { scripts = try PyProject.scripts(path) } catch { fail("", error) }
      guard !scripts.isEmpty else {
        fail(path, BuildError.noScript)
      }
      if output != nil && scripts.count > 1 {
        fail(path, BuildError.oneOutputForScripts(count: scripts.count))
      }
      FileHandleOut.stderr(
        "frost: building the [project.scripts] of ./\(path): "
          + scripts.map { "\($0.name) (\($0.value))" }.joined(separator: ", ") + "\n")
      for (name, value) in scripts { build(script: name, console: (name, value)) }
    }

    /// Builds `script`, or with `console` the console script (name, "module:attr" or nil to
    /// look it up in the --python environment) named `script`.
    func build(script: String, console: (name: String, value: String?)?) {
      let out =
        output ?? (console != nil ? script : nil) ?? python.defaultOutput(script)
        ?? Self.defaultOutput(for: script)
      do {
        let selfContained = console != nil || python.selfContained(script, hostPython: hostPython)
        let pythonResult =
          selfContained ? try python.makePython(script: script, console: console) : nil
        let extras =
          hostPython && !selfContained
          ? [try HostFreezer.runtimeModule(environment: ProcessInfoEnv.environment)] : []
        var plan =
          try pythonResult?.plan
          ?? HostFreezer.plan(
            .init(
              script: script, interpreter: interpreter, args: args, hostPython: hostPython,
              pythonExtras: extras))
        if daemon {
          plan.manifest.pairs.append(.init(ManifestKey.daemon, "1"))
          if let pidfile { plan.manifest.pairs.append(.init(ManifestKey.pidfile, pidfile)) }
        }
        let dir = try StubLocator.directory(
          for: plan.stub, environment: ProcessInfoEnv.environment)
        let summary = try Freezer.write(
          plan, stubDirectory: dir, output: out, level: compressLevel, inputs: [script])
        if let pythonResult {
          print(pythonResult.summary.text)
          for line in pythonResult.summary.missingText + pythonResult.summary.notes {
            FileHandleOut.stderr(line + "\n")
          }
        }
        print(Report.buildSummary(summary))
      } catch {
        fail("", error)
      }
    }

    /// The script's name without its extension, in the current directory.
    static func defaultOutput(for script: String) -> String {
      var name = String(script.split(separator: "/").last ?? "a.out")
      if let dot = name.lastIndex(of: "."), dot != name.startIndex {
        name = String(name[..<dot])
      }
      return name
    }
  }
}
