# Jinja2 (templates compiled to Python code at run time, loaders, the sandbox) and
# MarkupSafe (C speedups).
import jinja2
import jinja2.sandbox
import markupsafe

print("escape", markupsafe.escape("<a href='x'>Tom & \"Jerry\"</a>"))
m = markupsafe.Markup("<b>%s</b>") % "<i>"
print("markup", m, m.striptags(), type(markupsafe.escape("x")).__name__)
from markupsafe import _speedups
print("speedups", _speedups.__name__, _speedups._escape_inner("<&>"))

env = jinja2.Environment(loader=jinja2.DictLoader({
    "base.html": "<title>{% block title %}{% endblock %}</title>{% block body %}{% endblock %}",
    "page.html": """{% extends "base.html" %}{% block title %}{{ title|upper }}{% endblock %}
{% block body %}{% for u in users if u.active %}
<li>{{ loop.index }}. {{ u.name }} ({{ u.score|round(1) }}){% if not loop.last %},{% endif %}</li>
{%- endfor %}{% endblock %}""",
}), autoescape=jinja2.select_autoescape(["html"]), trim_blocks=True)
env.filters["shout"] = lambda s: s + "!"
users = [{"name": "<ada>", "score": 9.25, "active": True}, {"name": "bob", "score": 7, "active": False},
         {"name": "cy", "score": 8.04, "active": True}]
print(env.get_template("page.html").render(title="users", users=users))
print(env.from_string("{{ 'hi'|shout }} {{ n * 2 }} {{ d|dictsort }}").render(n=21, d={"b": 1, "a": 2}))
macro = env.from_string("{% macro field(n, v='') %}<input name={{ n }} value={{ v }}>{% endmacro %}{{ field('q', 'a b') }}")
print(macro.render())
try:
    env.from_string("{% for %}")
except jinja2.TemplateSyntaxError as e:
    print("syntax error", e.lineno)
try:
    jinja2.Environment(undefined=jinja2.StrictUndefined).from_string("{{ missing.x }}").render()
except jinja2.UndefinedError as e:
    print("undefined", e.message)
choice = jinja2.Environment(loader=jinja2.ChoiceLoader([jinja2.FunctionLoader(lambda n: None),
                                                       jinja2.PrefixLoader({"p": env.loader})]))
print("choice loader", choice.get_template("p/base.html").render().strip(), env.list_templates())
try:
    jinja2.sandbox.SandboxedEnvironment().from_string("{{ x.__class__.__mro__ }}").render(x=1)
except jinja2.exceptions.SecurityError as e:
    print("sandbox", type(e).__name__)
