# regex (C extension regex._regex): features beyond re: Unicode properties, fuzzy matching,
# recursion, variable-length lookbehind, overlapped matches, timeouts.
import regex

print("props", regex.findall(r"\p{Greek}+", "alpha αβγ beta δέλτα"))
print("script", regex.findall(r"[\p{Han}\p{Hiragana}]+", "漢字 and ひらがな mixed"))
print("fuzzy", regex.search(r"(?:colour){e<=1}", "the color red").group(), regex.search(r"(?:colour){e<=1}", "the color").fuzzy_counts)
print("recursive", bool(regex.fullmatch(r"(\((?:[^()]|(?1))*\))", "(a(b)(c(d)))")))
print("lookbehind", regex.findall(r"(?<=\b(?:Mr|Mrs)\.\s)\w+", "Mr. Smith and Mrs. Jones"))
print("overlapped", regex.findall(r"\d\d", "12345", overlapped=True))
print("named lists", regex.findall(r"\L<words>", "cat dog bird", words=["dog", "bird"]))
m = regex.match(r"(?:(\w)\s?)+", "a b c")
print("captures", m.captures(1))
print("grapheme", regex.findall(r"\X", "e\u0301a"), len(regex.findall(r"\X", "👍🏽x")))
print("fold", bool(regex.match(r"(?i)straße", "STRASSE", flags=regex.FULLCASE)))
print("sub", regex.sub(r"(?P<w>\w+)@(\w+)", r"\g<w> at \2", "me@home you@work"))
print("split", regex.split(r"(?V1)\b", "ab cd", flags=regex.V1))
print("posix", regex.search(r"(?p)a|ab", "ab").group())
try:
    regex.compile(r"(unclosed")
except regex.error as e:
    print("error", type(e).__name__, e.pos)
print("module", regex._regex.__name__, regex.DEFAULT_VERSION == regex.VERSION0)
