import ArgumentParser
import FrostKit

#if canImport(Glibc)
  import Glibc
#endif

extension FrostCommand {
  /// `frost inspect`: where every byte of an ELF file goes.
  struct Inspect: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Show where every byte of an ELF file or ar archive goes.",
      discussion: """
        Reads any ELF file through libelf and accounts for each byte exactly once: headers, \
        sections by category, alignment gaps and appended data; for a Frost binary, also the \
        payload by entry and kind. An ar archive (.a) is shown member by member, with its own \
        headers, symbol table and padding. Symbol names are demangled (C++, Rust, Swift). \
        Exit status: 0 ok, 1 unreadable, 3 not an ELF file, 4 damaged ELF file or archive. \
        JSON schema: docs/INSPECT.md.

          $ frost inspect ./hello
          $ frost inspect --sections --symbols -n 20 /usr/bin/ls
          $ frost inspect libdemo.a
          $ frost inspect --format json ./hello | jq .breakdown
          $ frost inspect --diff old/hello new/hello
        """)

    @Flag(help: "List every section.")
    var sections = false

    @Flag(help: "List every program header.")
    var segments = false

    @Flag(help: "List the largest symbols (.symtab, else .dynsym).")
    var symbols = false

    @Flag(help: "List every symbol version the file needs (GLIBC_2.34, ...) and the symbols that need it.")
    var requires = false

    @Flag(name: .customLong("no-demangle"), help: "Show symbol names as stored, not demangled.")
    var noDemangle = false

    @Option(name: .customShort("n"), help: "Rows per list in text output, and symbols shown.")
    var limit = 10
    var demangle = true

    @Flag(help: "Compare two files: growth per section and per payload entry.")
    var diff = false

    @OptionGroup var output: OutputOptions

    @Argument(help: "The ELF file (two with --diff: OLD NEW).")
    var files: [String]

    /// What the parsed arguments ask for.
    var request: Request {
      Request(
        files: files, diff: diff, format: output.format, sections: sections, segments: segments,
        symbols: symbols, requires: requires, limit: limit, demangle: !noDemangle)
    }

    func validate() throws {
      if let problem = request.problem { throw ValidationError(problem) }
    }

    func run() throws { request.run() }

    /// 1 unreadable or unsupported, 3 not an ELF file, 4 damaged ELF file or archive.
    static func exitCode(_ error: ELFError) -> Int32 {
      switch error {
      case .notELF: 3
      case .damaged, .damagedArchive: 4
      default: 1
      }
    }
  }
}

extension FrostCommand.Inspect {
  /// What `frost inspect` is asked to do, from ArgumentParser (`Inspect`) or from the fast
  /// path (`InspectFastPath`): both validate and run through here.
  struct Request: Equatable {
    var files: [String]
    var diff = false
    var format = OutputFormat.text
    var sections = false
    var segments = false
    var symbols = false
    var requires = false
    var limit = 10
    var demangle = true

    /// Why the arguments do not go together (the `ValidationError` message), or nil.
    var problem: String? {
      if diff, files.count != 2 { return "--diff needs two files: OLD NEW." }
      if !diff, files.count != 1 { return "Give one file (or --diff OLD NEW)." }
      if limit < 1 { return "-n must be at least 1." }
      if format == .csv, [sections, segments, symbols].filter({ $0 }).count > 1 {
        return "CSV shows one table: give at most one of --sections, --segments, --symbols."
      }
      return nil
    }

    /// Inspects the files and writes the report, or exits with the error's status.
    func run() {
      let options = InspectOptions(
        symbols: symbols, symbolLimit: limit, demangle: demangle, requires: requires)
      let tables = InspectRender.Tables(
        sections: sections, segments: segments, symbols: symbols, requires: requires,
        limit: limit)
      var reports: [InspectReport] = []
      var archive: ArchiveReport?
      for path in files {
        do throws(ELFError) {
          switch try Inspector.inspectFile(path, options: options) {
          case .elf(let report): reports.append(report)
          case .archive(let report):
            if diff { throw .unsupported("--diff compares ELF files, this is an ar archive") }
            archive = report
          }
        } catch {
          fail("cannot inspect '\(path)'", error, code: FrostCommand.Inspect.exitCode(error))
        }
      }
      // Reports of one file are streamed to standard output through a 64 KiB buffer.
      let out = ByteSink(fd: 1)
      if let archive {
        switch format {
        case .text: InspectRender.writeText(archive, tables: tables, to: out)
        case .json: InspectRender.writeJSON(archive, to: out)
        case .csv: InspectRender.writeCSV(archive, tables: tables, to: out)
        }
      } else if diff {
        let d = Inspector.diff(old: reports[0], new: reports[1])
        switch format {
        case .text: out.write(InspectRender.text(d, limit: limit))
        case .json: out.write(InspectRender.json(d))
        case .csv: out.write(InspectRender.csv(d))
        }
      } else {
        switch format {
        case .text: InspectRender.writeText(reports[0], tables: tables, to: out)
        case .json: InspectRender.writeJSON(reports[0], to: out)
        case .csv: InspectRender.writeCSV(reports[0], tables: tables, to: out)
        }
      }
      out.flush()
    }
  }
}
