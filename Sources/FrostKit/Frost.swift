/// Facts about this Frost.
public enum Frost {
  /// The version printed by `frost --version` and recorded in every manifest.
  public static let version = "0.1.0"
}
