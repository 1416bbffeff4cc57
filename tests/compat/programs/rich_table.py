# rich (+ markdown-it-py, mdurl, Pygments): tables, panels, markdown and syntax rendered to a
# StringIO console; cell widths of wide characters come from rich._unicode_data.unicode17-0-0
# (a module whose name has hyphens, imported by name at run time).
import io

from rich import box
from rich.cells import cell_len
from rich.console import Console
from rich.markdown import Markdown
from rich.panel import Panel
from rich.pretty import Pretty
from rich.syntax import Syntax
from rich.table import Table
from rich.text import Text
from rich.tree import Tree

console = Console(file=io.StringIO(), width=60, color_system=None, force_terminal=False, legacy_windows=False)
table = Table(title="Distributions", box=box.ROUNDED)
table.add_column("Name", style="bold")
table.add_column("Kind")
table.add_column("Score", justify="right")
table.add_row("numpy", "Fortran/BLAS", "9.5")
table.add_row("日本語テキスト", "wide 漢字", "8")
table.add_row("emoji 👍🎉", "Rust", "7.25")
console.print(table)
console.print(Panel(Text("Hello, [not markup] 世界", justify="center"), title="panel", width=40))
console.print("[bold red]markup[/] and [link=https://example.org]a link[/link] :rocket:")
console.print(Markdown("# Title\n\n* one\n* **two** with `code`\n\n1. first\n2. second\n"))
console.print(Syntax("def f(x):\n    return x * 2\n", "python", line_numbers=True, theme="ansi_dark"))
tree = Tree("root")
tree.add("child 子").add("leaf")
console.print(tree)
console.print(Pretty({"b": [1, 2, 3], "a": {"nested": True}}))
output = console.file.getvalue()
print(output, end="")
print("cell_len", cell_len("漢字"), cell_len("👍"), cell_len("abc"), cell_len("é"))
from rich._unicode_data import load
from rich._unicode_data._versions import VERSIONS
table17 = load("17.0.0")
print("unicode tables", VERSIONS[-1], type(table17).__name__, load("9.0.0") is not table17)
capture = Console(width=30, color_system="truecolor", force_terminal=True, file=io.StringIO())
capture.print("[green]ok[/green]")
print("ansi", repr(capture.file.getvalue()))
