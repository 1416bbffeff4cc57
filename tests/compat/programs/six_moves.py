# six: the lazy six.moves modules (a meta path importer), and its helpers.
import six
from six.moves import configparser, queue, range, reduce
from six.moves.urllib.parse import parse_qs, quote, urlencode, urljoin, urlparse

print("py3", six.PY3, six.PY2, six.string_types == (str,), six.text_type.__name__)
u = urlparse("https://user@example.org:8443/a/b;p?x=1&y=2&x=3#frag")
print("urlparse", u.scheme, u.hostname, u.port, u.path, u.params, u.fragment)
print("parse_qs", sorted(parse_qs(u.query).items()))
print("quote", quote("a b/ü"), urlencode([("k", "v w"), ("n", 1)]), urljoin("http://h/a/b", "../c"))
print("reduce", reduce(lambda a, b: a * b, range(1, 6)))
q = queue.Queue()
q.put(1)
print("queue", q.get(), q.empty())
cp = configparser.ConfigParser()
cp.read_string("[s]\nk = v\n")
print("configparser", cp.get("s", "k"))
import six.moves.urllib.request as request
print("request", request.Request("http://h/", data=b"x").get_method())
from six.moves import http_client, html_parser
print("modules", http_client.__name__, html_parser.__name__)


@six.add_metaclass(type)
class C(object):
    pass


print("metaclass", type(C).__name__, six.ensure_str(b"bytes"), six.ensure_binary("text"))
print("iteritems", sorted(six.iteritems({"b": 2, "a": 1})))
try:
    six.raise_from(ValueError("outer"), KeyError("inner"))
except ValueError as e:
    print("raise_from", e, repr(e.__cause__))
