// TOML is read by the FrostTOML target (TOMLKit behind an internal import: TOMLKit's
// literal-convertible types would otherwise slow the type-checking of all of FrostKit).
@_exported import FrostTOML
