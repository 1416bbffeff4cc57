import Foundation

/// The process environment, read once.
enum ProcessInfoEnv {
  static let environment = ProcessInfo.processInfo.environment
}
