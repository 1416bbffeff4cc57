import Foundation

/// The process environment, read once.
enum ProcessInfoEnv {
  static var environment: [String: String] { ProcessInfo.processInfo.environment }
}
