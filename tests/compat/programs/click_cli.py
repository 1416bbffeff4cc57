# click: a command group invoked in-process with fixed arguments, and through CliRunner.
import click
from click.testing import CliRunner


@click.group()
@click.option("--verbose", "-v", count=True)
@click.pass_context
def cli(ctx, verbose):
    """A small tool."""
    ctx.obj = {"verbose": verbose}


@cli.command()
@click.argument("names", nargs=-1)
@click.option("--greeting", default="hello", show_default=True)
@click.option("--times", type=click.IntRange(1, 3), default=1)
@click.pass_obj
def greet(obj, names, greeting, times):
    """Greets NAMES."""
    for _ in range(times):
        click.echo("%s %s (v=%d)" % (greeting, ", ".join(names) or "nobody", obj["verbose"]))
    return len(names)


@cli.command()
@click.option("--color", type=click.Choice(["red", "green"]), required=True)
def paint(color):
    click.secho("painted " + color, fg=color)


print("returned", cli.main(["-vv", "greet", "ada", "bob", "--times", "2"], standalone_mode=False))
runner = CliRunner()
r = runner.invoke(cli, ["greet", "--greeting", "hi", "cy"])
print("runner", r.exit_code, repr(r.output))
r = runner.invoke(cli, ["paint", "--color", "blue"])
print("bad choice", r.exit_code, r.output.splitlines()[-1])
r = runner.invoke(cli, ["paint", "--color", "red"], color=False)
print("paint", r.exit_code, repr(r.output))
r = runner.invoke(cli, ["--help"], terminal_width=60)
print(r.output, end="")
r = runner.invoke(cli, ["greet", "--help"], terminal_width=60)
print(r.output, end="")
try:
    cli.main(["nosuch"], standalone_mode=False)
except click.UsageError as e:
    print("usage error", e.format_message())
