// The Encodable-based JSON encoder that `frost inspect --format json` used before
// `JSONWriter`, kept here as the reference the writer's output is compared with.

/// A small `Encoder` that writes pretty-printed JSON with sorted keys, for the inspect reports.
///
/// Foundation's `JSONEncoder` checks each value with dynamic casts (`Date`, `URL`, `Data`,
/// ...), and in a binary as large as `frost` every first cast scans all protocol conformance
/// records: that cost more than the whole ELF analysis. Reports hold only strings, integers,
/// doubles, booleans, optionals, arrays and structs, which this encodes without a cast.
/// Output shape: two-space indent, `"key" : value`, keys in byte order, `[]`/`{}` when empty.
enum JSONText {
  /// `value` as JSON text ending in a newline.
  static func encode<T: Encodable>(_ value: T) throws -> String {
    let root = Node()
    try value.encode(to: NodeEncoder(node: root, codingPath: []))
    var out: [UInt8] = []
    out.reserveCapacity(1 << 16)
    root.write(to: &out, indent: 0)
    out.append(0x0a)
    return String(decoding: out, as: UTF8.self)
  }

  /// One JSON value under construction (mutated in place: arrays of 66,000 rows stay linear).
  final class Node {
    enum Kind { case unset, literal, array, object }
    var kind = Kind.unset
    /// Already-serialized JSON text: null, a number, a boolean or a quoted string.
    var literal = ""
    var items: [Node] = []
    var members: [String: Node] = [:]

    func set(_ text: String) {
      kind = .literal
      literal = text
    }

    func write(to out: inout [UInt8], indent: Int) {
      switch kind {
      case .unset: out.append(contentsOf: "null".utf8)
      case .literal: out.append(contentsOf: literal.utf8)
      case .array:
        guard !items.isEmpty else {
          out.append(contentsOf: "[]".utf8)
          return
        }
        out.append(UInt8(ascii: "["))
        for (i, item) in items.enumerated() {
          out.append(contentsOf: (i == 0 ? "\n" : ",\n").utf8)
          out.append(contentsOf: repeatElement(0x20, count: indent + 2))
          item.write(to: &out, indent: indent + 2)
        }
        out.append(0x0a)
        out.append(contentsOf: repeatElement(0x20, count: indent))
        out.append(UInt8(ascii: "]"))
      case .object:
        guard !members.isEmpty else {
          out.append(contentsOf: "{}".utf8)
          return
        }
        out.append(UInt8(ascii: "{"))
        let keys = members.keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        for (i, key) in keys.enumerated() {
          out.append(contentsOf: (i == 0 ? "\n" : ",\n").utf8)
          out.append(contentsOf: repeatElement(0x20, count: indent + 2))
          out.append(contentsOf: JSONText.quoted(key).utf8)
          out.append(contentsOf: " : ".utf8)
          members[key]!.write(to: &out, indent: indent + 2)
        }
        out.append(0x0a)
        out.append(contentsOf: repeatElement(0x20, count: indent))
        out.append(UInt8(ascii: "}"))
      }
    }

    func member(_ key: String) -> Node {
      kind = .object
      let child = Node()
      members[key] = child
      return child
    }

    func appended() -> Node {
      kind = .array
      let child = Node()
      items.append(child)
      return child
    }
  }

  /// `s` as a JSON string literal.
  static func quoted(_ s: String) -> String {
    var out: [UInt8] = [UInt8(ascii: "\"")]
    for b in s.utf8 {
      switch b {
      case UInt8(ascii: "\""): out.append(contentsOf: "\\\"".utf8)
      case UInt8(ascii: "\\"): out.append(contentsOf: "\\\\".utf8)
      case 0x0a: out.append(contentsOf: "\\n".utf8)
      case 0x0d: out.append(contentsOf: "\\r".utf8)
      case 0x09: out.append(contentsOf: "\\t".utf8)
      case 0..<0x20:
        let hex = Array("0123456789abcdef".utf8)
        out.append(contentsOf: "\\u00".utf8)
        out += [hex[Int(b >> 4)], hex[Int(b & 0xf)]]
      default: out.append(b)
      }
    }
    out.append(UInt8(ascii: "\""))
    return String(decoding: out, as: UTF8.self)
  }

  static func number(_ d: Double) -> String {
    guard d.isFinite else { return "null" }
    if d == d.rounded(), abs(d) < 1e15 { return String(Int64(d)) }
    return "\(d)"
  }
}

private struct NodeEncoder: Encoder {
  let node: JSONText.Node
  var codingPath: [any CodingKey]
  var userInfo: [CodingUserInfoKey: Any] { [:] }

  func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
    if node.kind != .object { node.kind = .object }
    return KeyedEncodingContainer(KeyedContainer<Key>(node: node, codingPath: codingPath))
  }

  func unkeyedContainer() -> any UnkeyedEncodingContainer {
    if node.kind != .array { node.kind = .array }
    return UnkeyedContainer(node: node, codingPath: codingPath)
  }

  func singleValueContainer() -> any SingleValueEncodingContainer {
    SingleContainer(node: node, codingPath: codingPath)
  }
}

private struct KeyedContainer<Key: CodingKey>: KeyedEncodingContainerProtocol {
  let node: JSONText.Node
  var codingPath: [any CodingKey]

  mutating func encodeNil(forKey key: Key) throws {
    node.member(key.stringValue).set("null")
  }
  mutating func encode(_ value: Bool, forKey key: Key) throws { set(key, value ? "true" : "false") }
  mutating func encode(_ value: String, forKey key: Key) throws { set(key, JSONText.quoted(value)) }
  mutating func encode(_ value: Double, forKey key: Key) throws { set(key, JSONText.number(value)) }
  mutating func encode(_ value: Float, forKey key: Key) throws {
    set(key, JSONText.number(Double(value)))
  }
  mutating func encode(_ value: Int, forKey key: Key) throws { set(key, String(value)) }
  mutating func encode(_ value: Int8, forKey key: Key) throws { set(key, String(value)) }
  mutating func encode(_ value: Int16, forKey key: Key) throws { set(key, String(value)) }
  mutating func encode(_ value: Int32, forKey key: Key) throws { set(key, String(value)) }
  mutating func encode(_ value: Int64, forKey key: Key) throws { set(key, String(value)) }
  mutating func encode(_ value: UInt, forKey key: Key) throws { set(key, String(value)) }
  mutating func encode(_ value: UInt8, forKey key: Key) throws { set(key, String(value)) }
  mutating func encode(_ value: UInt16, forKey key: Key) throws { set(key, String(value)) }
  mutating func encode(_ value: UInt32, forKey key: Key) throws { set(key, String(value)) }
  mutating func encode(_ value: UInt64, forKey key: Key) throws { set(key, String(value)) }
  mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
    try value.encode(
      to: NodeEncoder(node: node.member(key.stringValue), codingPath: codingPath + [key]))
  }
  mutating func nestedContainer<NestedKey: CodingKey>(
    keyedBy keyType: NestedKey.Type, forKey key: Key
  ) -> KeyedEncodingContainer<NestedKey> {
    NodeEncoder(node: node.member(key.stringValue), codingPath: codingPath + [key])
      .container(keyedBy: keyType)
  }
  mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
    NodeEncoder(node: node.member(key.stringValue), codingPath: codingPath + [key])
      .unkeyedContainer()
  }
  mutating func superEncoder() -> any Encoder {
    NodeEncoder(node: node.member("super"), codingPath: codingPath)
  }
  mutating func superEncoder(forKey key: Key) -> any Encoder {
    NodeEncoder(node: node.member(key.stringValue), codingPath: codingPath + [key])
  }

  private func set(_ key: Key, _ literal: String) {
    node.member(key.stringValue).set(literal)
  }
}

private struct UnkeyedContainer: UnkeyedEncodingContainer {
  let node: JSONText.Node
  var codingPath: [any CodingKey]
  var count: Int { node.items.count }

  mutating func encodeNil() throws { node.appended().set("null") }
  mutating func encode(_ value: Bool) throws { add(value ? "true" : "false") }
  mutating func encode(_ value: String) throws { add(JSONText.quoted(value)) }
  mutating func encode(_ value: Double) throws { add(JSONText.number(value)) }
  mutating func encode(_ value: Int) throws { add(String(value)) }
  mutating func encode(_ value: Int64) throws { add(String(value)) }
  mutating func encode(_ value: UInt64) throws { add(String(value)) }
  mutating func encode<T: Encodable>(_ value: T) throws {
    try value.encode(to: NodeEncoder(node: node.appended(), codingPath: codingPath))
  }
  mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type)
    -> KeyedEncodingContainer<NestedKey>
  {
    NodeEncoder(node: node.appended(), codingPath: codingPath).container(keyedBy: keyType)
  }
  mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
    NodeEncoder(node: node.appended(), codingPath: codingPath).unkeyedContainer()
  }
  mutating func superEncoder() -> any Encoder {
    NodeEncoder(node: node.appended(), codingPath: codingPath)
  }

  private func add(_ literal: String) { node.appended().set(literal) }
}

private struct SingleContainer: SingleValueEncodingContainer {
  let node: JSONText.Node
  var codingPath: [any CodingKey]

  mutating func encodeNil() throws { node.set("null") }
  mutating func encode(_ value: Bool) throws { node.set(value ? "true" : "false") }
  mutating func encode(_ value: String) throws { node.set(JSONText.quoted(value)) }
  mutating func encode(_ value: Double) throws { node.set(JSONText.number(value)) }
  mutating func encode(_ value: Float) throws {
    node.set(JSONText.number(Double(value)))
  }
  mutating func encode(_ value: Int) throws { node.set(String(value)) }
  mutating func encode(_ value: Int8) throws { node.set(String(value)) }
  mutating func encode(_ value: Int16) throws { node.set(String(value)) }
  mutating func encode(_ value: Int32) throws { node.set(String(value)) }
  mutating func encode(_ value: Int64) throws { node.set(String(value)) }
  mutating func encode(_ value: UInt) throws { node.set(String(value)) }
  mutating func encode(_ value: UInt8) throws { node.set(String(value)) }
  mutating func encode(_ value: UInt16) throws { node.set(String(value)) }
  mutating func encode(_ value: UInt32) throws { node.set(String(value)) }
  mutating func encode(_ value: UInt64) throws { node.set(String(value)) }
  mutating func encode<T: Encodable>(_ value: T) throws {
    try value.encode(to: NodeEncoder(node: node, codingPath: codingPath))
  }
}
