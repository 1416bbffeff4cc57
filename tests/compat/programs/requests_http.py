# requests (+ urllib3, idna, charset_normalizer, certifi): a prepared request, and a real GET to
# a local http.server on 127.0.0.1, port 0, in a thread.
import http.server
import threading

import charset_normalizer
import idna
import requests
import urllib3


class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        body = ("path=%s ua=%s" % (self.path, self.headers["User-Agent"].split("/")[0])).encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


req = requests.Request("POST", "https://bücher.example/api", params={"q": "x y", "n": 3},
                       json={"a": [1, 2]}, headers={"X-Test": "1"})
p = req.prepare()
print("prepared", p.method, p.url)
print("body", p.body, p.headers["Content-Type"], p.headers["Content-Length"])
print("idna", "x".encode("idna"), "bücher.example".encode("idna"), idna.encode("ドメイン.テスト"))
print("idna decode", idna.decode("xn--bcher-kva.example"))
data = "Всё хорошо, спасибо! Это текст на русском языке.".encode("cp1251")
best = charset_normalizer.from_bytes(data).best()
print("charset", best is not None and str(best) == data.decode("cp1251"))
print("urllib3", urllib3.util.parse_url("http://u@h:81/p?q#f").port)

server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
thread = threading.Thread(target=server.serve_forever, daemon=True)
thread.start()
with requests.Session() as s:
    s.trust_env = False  # no proxy from the environment for 127.0.0.1
    r = s.get("http://127.0.0.1:%d/hello" % server.server_port, params={"a": "1"}, timeout=10)
    print("get", r.status_code, r.headers["Content-Type"], r.encoding, r.text)
    print("ok", r.ok, r.elapsed.total_seconds() >= 0, type(r.raw).__name__)
    try:
        s.get("http://127.0.0.1:%d/" % server.server_port, timeout=5, proxies={"http": "bad://"})
    except requests.exceptions.RequestException as e:
        print("error", type(e).__name__)
server.shutdown()
server.server_close()
print("done")
