# Flask (+ Werkzeug, itsdangerous, blinker, Jinja2): one request through app.test_client(), and
# real requests through werkzeug.serving.make_server on 127.0.0.1, port 0, in a thread.
import json
import logging
import threading
import urllib.request

import flask
from werkzeug.serving import make_server

app = flask.Flask(__name__)
app.secret_key = b"fixed secret for the test"
logging.getLogger("werkzeug").setLevel(logging.ERROR)  # no access log (it has times)
seen = []


@flask.request_started.connect_via(app)
def started(sender, **kw):
    seen.append(flask.request.path)


@app.get("/hello/<name>")
def hello(name):
    flask.session["visits"] = flask.session.get("visits", 0) + 1
    return flask.render_template_string("<p>Hello {{ name }}! {{ visits }}</p>", name=name, visits=flask.session["visits"])


@app.post("/api/sum")
def total():
    data = flask.request.get_json()
    return flask.jsonify(sum=sum(data["values"]), n=len(data["values"]))


@app.errorhandler(404)
def missing(e):
    return flask.jsonify(error="not found"), 404


with app.test_client() as client:
    r = client.get("/hello/<ada>")
    print("test_client", r.status_code, r.content_type, r.get_data(as_text=True))
    r = client.get("/hello/ada")
    print("session", r.get_data(as_text=True))
    r = client.post("/api/sum", json={"values": [1, 2, 3.5]})
    print("json", r.status_code, r.get_json())
    print("404", client.get("/nope").status_code, client.get("/nope").get_json())
    print("405", client.get("/api/sum").status_code)
with app.test_request_context("/hello/x"):
    print("url_for", flask.url_for("hello", name="b c"), flask.url_for("total", _external=True))

server = make_server("127.0.0.1", 0, app)
thread = threading.Thread(target=server.serve_forever, daemon=True)
thread.start()
base = "http://127.0.0.1:%d" % server.server_port
opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
with opener.open(base + "/hello/server") as resp:
    print("server", resp.status, resp.headers["Content-Type"], resp.read().decode())
req = urllib.request.Request(base + "/api/sum", data=json.dumps({"values": [4, 5]}).encode(),
                             headers={"Content-Type": "application/json"})
with opener.open(req) as resp:
    print("server json", json.loads(resp.read()))
server.shutdown()
server.server_close()
print("signals", seen)
