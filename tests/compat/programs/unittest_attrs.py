# unittest running this program's own TestCase (attrs, packaging, typing_extensions).
import io
import re
import sys
import unittest

import attrs
import packaging.specifiers
import packaging.version
import typing_extensions


@attrs.define(order=True)
class Point:
    x: int = attrs.field(validator=attrs.validators.instance_of(int))
    y: int = 0


class Movie(typing_extensions.TypedDict):
    title: str
    year: typing_extensions.NotRequired[int]


class CompatTests(unittest.TestCase):
    def test_attrs(self):
        self.assertEqual(attrs.asdict(Point(1, 2)), {"x": 1, "y": 2})
        self.assertLess(Point(1, 2), Point(2, 0))
        with self.assertRaises(TypeError):
            Point("a")
        self.assertEqual(attrs.evolve(Point(1), y=5), Point(1, 5))

    def test_packaging(self):
        v = packaging.version.Version("1.10.0rc1")
        self.assertTrue(v.is_prerelease)
        self.assertGreater(packaging.version.Version("1.10"), packaging.version.Version("1.9"))
        spec = packaging.specifiers.SpecifierSet(">=1.2,!=1.5.*,<2")
        self.assertEqual([str(x) for x in spec.filter(["1.1", "1.2", "1.5.3", "1.9", "2.0"])], ["1.2", "1.9"])

    def test_typing_extensions(self):
        self.assertEqual(Movie.__required_keys__, frozenset({"title"}))
        self.assertEqual(typing_extensions.get_origin(typing_extensions.Literal["a"]), typing_extensions.Literal)

    @unittest.expectedFailure
    def test_expected_failure(self):
        self.assertEqual(1, 2)

    @unittest.skip("not on this platform")
    def test_skipped(self):
        pass


if __name__ == "__main__":
    stream = io.StringIO()
    suite = unittest.defaultTestLoader.loadTestsFromModule(sys.modules[__name__])
    result = unittest.TextTestRunner(stream=stream, verbosity=2).run(suite)
    for line in stream.getvalue().splitlines():
        print(re.sub(r" in \d+\.\d+s$", "", line))
    print("successful", result.wasSuccessful(), "run", result.testsRun, "skipped", len(result.skipped))
