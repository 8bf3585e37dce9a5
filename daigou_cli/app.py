"""The root `daigou` command: global options, the command groups, and the single error
boundary that turns every failure into one stderr line and a documented exit code."""

import inspect
import sqlite3
import sys
from typing import Optional

import typer
from typer.core import TyperGroup

from daigou_cli.core.errors import DaigouError, Exit


def _fail(message: str, code: int) -> None:
    prefix = "" if message.startswith("daigou") else "daigou: "
    print(f"{prefix}{message}", file=sys.stderr)
    sys.exit(int(code))


# Options whose value may be left out: `warranty list --expiring` means within config
# expiring_days, `--expiring 2w` within two weeks.
OPTIONAL_VALUES = {"--expiring": "default"}


def _fill_optional_values(args: list[str]) -> list[str]:
    out = []
    for i, arg in enumerate(args):
        if arg == "--":
            return out + args[i:]
        nxt = args[i + 1] if i + 1 < len(args) else None
        if arg in OPTIONAL_VALUES and (nxt is None or (nxt.startswith("-") and nxt != "-")):
            arg = f"{arg}={OPTIONAL_VALUES[arg]}"
        out.append(arg)
    return out


def _reflow_help(command) -> None:
    """Typer's Rich help keeps the single line breaks inside a docstring's later paragraphs,
    so text wrapped for the source wraps again, raggedly, on an 80-column terminal: each
    paragraph becomes one line and Rich wraps it to the terminal."""
    if command.help and not command.help.startswith("\b"):
        paragraphs = inspect.cleandoc(command.help).split("\n\n")
        command.help = "\n\n".join(p if p.startswith("\b") else " ".join(p.split()) for p in paragraphs)
    for sub in getattr(command, "commands", {}).values():
        _reflow_help(sub)


class DaigouGroup(TyperGroup):
    """Runs the command without Click's standalone handling, so that every error (usage,
    input, business rule, database) leaves as one line on stderr and a PRODUCT.md exit code."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _reflow_help(self)

    def main(self, args=None, prog_name=None, complete_var=None, standalone_mode=True, **extra):
        from typer._click import exceptions as click_exc

        from daigou_cli.output import PipeSafe, discard_stdout

        args = _fill_optional_values(list(sys.argv[1:] if args is None else args))
        # A reader that stops early (`daigou stock list | head -3`) is not an error: the rest
        # of the output goes nowhere and the command keeps its own exit code (Click would
        # make it 1, which scripts read as "check found something").
        stdout, sys.stdout = sys.stdout, PipeSafe(sys.stdout)
        try:
            rv = super().main(args=args, prog_name=prog_name or "daigou", complete_var=complete_var,
                              standalone_mode=False, **extra)
        except click_exc.NoArgsIsHelpError as exc:
            # Bare `daigou` or `daigou stock` asks for help, as with classic click: help on
            # stdout, exit 0. Rich help is printed while the error is made and the message is
            # empty; printing it anyway ends the help as --help does.
            print(exc.format_message())
            rv = 0
        except click_exc.UsageError as exc:
            where = f"{exc.ctx.command_path}: " if exc.ctx is not None else ""
            hint = f" (see {exc.ctx.command_path} --help)" if exc.ctx is not None else ""
            _fail(f"{where}{exc.format_message()}{hint}", Exit.USAGE)
        except click_exc.ClickException as exc:
            _fail(exc.format_message(), exc.exit_code)
        except typer.Abort:
            _fail("aborted", 130)
        except DaigouError as exc:
            _fail(exc.message, exc.code)
        except sqlite3.Error as exc:
            from daigou_cli.core.db import as_database_problem

            problem = as_database_problem(exc)
            _fail(problem.message, problem.code)
        except BrokenPipeError:
            discard_stdout()
            sys.exit(0)
        except KeyboardInterrupt:
            _fail("interrupted", 130)
        except Exception as exc:  # a bug: still one line, never a traceback
            _fail(f"internal error: {type(exc).__name__}: {exc}", 70)
        finally:
            sys.stdout.flush()
            sys.stdout = stdout
        sys.exit(rv if isinstance(rv, int) else 0)


app = typer.Typer(
    cls=DaigouGroup,
    name="daigou",
    help="daigou (代购): the back office of a cross-border personal shopper, on an append-only ledger.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _print_version(value: bool) -> None:
    if value:
        from daigou_cli import __version__

        print(__version__)
        raise typer.Exit(0)


@app.callback()
def root(
    db: Optional[str] = typer.Option(None, "--db", metavar="PATH",
                                     help="Ledger file (default: $DAIGOU_DB, else the user data dir)."),
    version: bool = typer.Option(False, "--version", is_eager=True, callback=_print_version,
                                 help="Print the version and exit."),
) -> None:
    """Stock, orders, shipping, purchasing, profit and a nightly check, over one SQLite ledger.

    Every fact is appended; state is derived. Exit codes: 0 done, 1 something to act on,
    2 usage, 3 invalid input (nothing written), 4 refused by a business rule, 5 database problem.
    """
    from daigou_cli.cli.common import set_root_db

    set_root_db(db)


def _register() -> None:
    from daigou_cli.cli import (
        catalog,
        check,
        fx,
        inventory,
        orders,
        purchase,
        report,
        service,
        setup,
        shipping,
    )

    setup.register(app)
    app.add_typer(setup.config_app, name="config")
    app.add_typer(fx.app, name="fx")
    app.add_typer(catalog.location_app, name="location")
    app.add_typer(catalog.product_app, name="product")
    app.add_typer(catalog.supplier_app, name="supplier")
    app.add_typer(inventory.app, name="stock")
    app.add_typer(orders.customer_app, name="customer")
    app.add_typer(orders.app, name="order")
    app.add_typer(service.ticket_app, name="ticket")
    app.add_typer(service.faq_app, name="faq")
    shipping.register(app)
    app.add_typer(shipping.shipment_app, name="shipment")
    app.add_typer(shipping.carrier_app, name="carrier")
    app.add_typer(shipping.warranty_app, name="warranty")
    from daigou_cli.cli import notify

    app.add_typer(notify.app, name="notify")
    app.add_typer(setup.db_app, name="db")
    app.add_typer(purchase.app, name="purchase")
    purchase.register(app)
    check.register(app)
    app.add_typer(report.app, name="report")
    from daigou_cli.cli import history

    app.add_typer(history.app, name="history")


_register()


def main() -> None:
    app()
