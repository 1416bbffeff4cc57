# Pygments: lexers, formatters and styles found by name (pygments.lexers._mapping, loaded on
# demand by module name), and the entry-point scan for plugins (none installed).
import pygments
import pygments.plugin
from pygments import highlight, lex
from pygments.formatters import get_formatter_by_name, get_formatter_for_filename
from pygments.lexers import get_lexer_by_name, get_lexer_for_filename, guess_lexer
from pygments.styles import get_all_styles, get_style_by_name
from pygments.token import Keyword

source = 'def greet(name: str) -> str:\n    """Say hello."""\n    return f"hello {name}"  # done\n'
lexer = get_lexer_by_name("python")
print("lexer", lexer.name, lexer.aliases[:2], type(lexer).__module__)
print("keywords", [v for t, v in lex(source, lexer) if t in Keyword])
html = highlight(source, lexer, get_formatter_by_name("html", style="monokai", nowrap=True))
print("html", html.count('<span class="k">'), html.splitlines()[0][:60])
print(highlight(source, lexer, get_formatter_by_name("terminal256", style="friendly")).encode("unicode_escape").decode()[:90])
print("ansi", highlight("x = 1\n", lexer, get_formatter_by_name("terminal")).encode("unicode_escape").decode())
print("latex", highlight("x = 1\n", lexer, get_formatter_by_name("latex")).splitlines()[0])
print("for filename", get_lexer_for_filename("a.rs").name, get_lexer_for_filename("Makefile").name,
      type(get_formatter_for_filename("out.svg")).__name__)
print("other lexers", [get_lexer_by_name(n).name for n in ("yaml", "json", "bash", "c++", "sql", "toml")])
print("guess", guess_lexer("#!/bin/bash\necho hi\n").name)
style = get_style_by_name("monokai")
print("style", style.__name__, len(list(get_all_styles())) > 30)
css = get_formatter_by_name("html", style="default").get_style_defs(".hl")
print("css", css.count(".hl") > 50)
try:
    get_lexer_by_name("no-such-language")
except pygments.util.ClassNotFound as e:
    print("not found", e)
print("plugins", list(pygments.plugin.find_plugin_lexers()), list(pygments.plugin.find_plugin_styles()))
print("version", pygments.__version__.split(".")[0])
