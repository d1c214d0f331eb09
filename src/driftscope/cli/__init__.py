"""The ``driftscope`` command line: one module per command, assembled and run here.

A command is a module with ``NAME``, ``HELP``, ``configure(parser)`` and
``run(args, out, err)`` (see :class:`~driftscope.cli._common.Command`); adding one is adding
its module and a line to :data:`COMMANDS`. A command imports the library inside its functions,
and only the command named on the command line is configured, so that starting ``driftscope``
costs what that command needs and no more.

Exit codes: 0 ran and no ``--fail-on`` condition met; 1 ran and a condition was met; 2 bad usage
or unusable input (one line on stderr, no traceback unless ``--debug``); 130 interrupted; 141
the reader of the output went away.
"""

from __future__ import annotations

import argparse
import os
import sys
import traceback
from collections.abc import Sequence
from typing import NoReturn

from driftscope._version import __version__
from driftscope.cli import (
    baseline,
    check,
    demo,
    init,
    monitor,
    profile,
    report,
    serve,
    token,
    user,
)
from driftscope.cli._common import (
    EXIT_BROKEN_PIPE,
    EXIT_CONDITION,
    EXIT_ERROR,
    EXIT_INTERRUPTED,
    EXIT_OK,
    Command,
)
from driftscope.errors import DriftscopeError

__all__ = [
    "COMMANDS",
    "EXIT_BROKEN_PIPE",
    "EXIT_CONDITION",
    "EXIT_ERROR",
    "EXIT_INTERRUPTED",
    "EXIT_OK",
    "main",
]

COMMANDS: tuple[Command, ...] = (
    report,
    check,
    profile,
    baseline,
    init,
    monitor,
    serve,
    token,
    user,
    demo,
)
"""The commands, in the order ``driftscope --help`` lists them."""


class _Parser(argparse.ArgumentParser):
    """argparse's parser, whose usage errors (a value that is not a number, a missing
    argument) are one line in the format of every other error, not a usage block; the
    subcommands' parsers are of this class too (argparse makes them of their parent's)."""

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_ERROR, f"driftscope: error: {message} (see {self.prog} --help)\n")


def _build_parser(argv: Sequence[str] | None = None) -> argparse.ArgumentParser:
    """The ``driftscope`` parser, with the options of the command ``argv`` names (of every
    command when ``argv`` is None); the others are listed by name and help line only."""
    parser = _Parser(
        prog="driftscope",
        description="Detect drift between a reference dataset and current (production) data.",
    )
    parser.add_argument("--version", action="version", version=f"driftscope {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    # The top level's options take no value, so the first word that is not one is the command.
    named = None if argv is None else next((w for w in argv if not w.startswith("-")), None)
    for command in COMMANDS:
        command_parser = sub.add_parser(
            command.NAME,
            help=command.HELP,
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
        if argv is None or named == command.NAME:
            command.configure(command_parser)
            command_parser.add_argument("--debug", action="store_true", help="show tracebacks")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``driftscope`` console script; returns the exit code."""
    words = list(sys.argv[1:] if argv is None else argv)
    parser = _build_parser(words)
    args = parser.parse_args(words)
    if args.command is None:
        parser.print_help(sys.stderr)
        return EXIT_ERROR
    (command,) = (c for c in COMMANDS if args.command == c.NAME)
    try:
        return command.run(args, sys.stdout, sys.stderr)
    except DriftscopeError as exc:
        if args.debug:
            traceback.print_exc()
        sys.stderr.write(f"driftscope: error: {exc}\n")
        return EXIT_ERROR
    except KeyboardInterrupt:
        sys.stderr.write("driftscope: interrupted\n")
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        # The reader went away (`driftscope report ... | head`): stop quietly, as Unix tools do,
        # and keep the interpreter's final flush from failing on the closed pipe again.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_BROKEN_PIPE
    except Exception as exc:  # a bug of ours: say so in one line, details on request
        if args.debug:
            traceback.print_exc()
        sys.stderr.write(
            f"driftscope: internal error: {type(exc).__name__}: {exc} "
            "(please report it; --debug shows the traceback)\n"
        )
        return EXIT_ERROR
