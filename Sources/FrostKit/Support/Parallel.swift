import Dispatch

/// Work spread over all cores.
enum Parallel {
  /// `body(i)` for every `i` in `0..<count`, run on all cores, the results in index order:
  /// the same whatever the order the work finishes in.
  static func map<T>(_ count: Int, _ body: @Sendable (Int) -> T) -> [T] {
    var out = [T?](repeating: nil, count: count)
    out.withUnsafeMutableBufferPointer { buffer in
      nonisolated(unsafe) let slots = buffer
      DispatchQueue.concurrentPerform(iterations: count) { slots[$0] = body($0) }
    }
    return out.map { $0! }
  }
}
