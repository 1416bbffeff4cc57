/// Quoting for values written into systemd unit files (systemd.service(5) "Command lines",
/// systemd.unit(5) "Specifiers").
public enum SystemdQuoting {
  /// One word of `ExecStart=`: `%` becomes `%%` (specifiers), `$` becomes `$$` (variable
  /// expansion), a lone `;` becomes `\;`, and a word holding blanks, quotes, backslashes or
  /// control characters is double-quoted with C-style escapes.
  public static func execWord(_ word: String) -> String {
    if word == ";" { return "\\;" }
    let escaped = word.serviceReplacing("%", with: "%%").serviceReplacing("$", with: "$$")
    return needsQuotes(word) ? doubleQuoted(escaped) : escaped
  }

  /// A whole `ExecStart=` command line: the program then its arguments.
  public static func execLine(_ program: String, _ arguments: [String]) -> String {
    ([program] + arguments).map(execWord).joined(separator: " ")
  }

  /// One `Environment=` assignment, always double-quoted (`$` is not expanded there).
  public static func environment(_ assignment: String) -> String {
    doubleQuoted(assignment.serviceReplacing("%", with: "%%"))
  }

  /// A free-text or path value (`Description=`, `WorkingDirectory=`): only specifiers escaped.
  public static func plain(_ value: String) -> String { value.serviceReplacing("%", with: "%%") }

  static func needsQuotes(_ word: String) -> Bool {
    word.isEmpty
      || word.unicodeScalars.contains {
        $0 == " " || $0 == "\t" || $0 == "\"" || $0 == "'" || $0 == "\\" || $0.value < 0x20
          || $0.value == 0x7f
      }
  }

  static func doubleQuoted(_ text: String) -> String {
    var out = "\""
    for scalar in text.unicodeScalars {
      switch scalar {
      case "\\": out += "\\\\"
      case "\"": out += "\\\""
      case "\n": out += "\\n"
      case "\t": out += "\\t"
      case "\r": out += "\\r"
      default:
        if scalar.value < 0x20 || scalar.value == 0x7f {
          let hex = String(scalar.value, radix: 16)
          out += "\\x" + (hex.count < 2 ? "0" : "") + hex
        } else {
          out.unicodeScalars.append(scalar)
        }
      }
    }
    return out + "\""
  }
}

/// Quoting for POSIX shell scripts (the init.d script).
public enum ShellQuoting {
  /// `word` in single quotes, `'` written as `'\''`; plain words are left as they are.
  public static func quote(_ word: String) -> String {
    let safe = !word.isEmpty && word.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "-_./:=@%+,".contains($0)) }
    return safe ? word : "'" + word.serviceReplacing("'", with: "'\\''") + "'"
  }
}

extension String {
  /// Every occurrence of `target` replaced (no Foundation needed).
  func serviceReplacing(_ target: Character, with replacement: String) -> String {
    var out = ""
    for c in self { if c == target { out += replacement } else { out.append(c) } }
    return out
  }
}
