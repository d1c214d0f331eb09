"""``driftscope user create|password|list|disable|enable``: the accounts people log in to the
dashboard with (issue 14). A password is read from the environment variable
``DRIFTSCOPE_PASSWORD`` when it is set, else asked twice without echo; the store keeps only
its argon2 hash (``pip install "driftscope[service]"``)."""

from __future__ import annotations

import argparse
import json
import os
import sys
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, TextIO

from driftscope.cli._common import EXIT_ERROR, EXIT_OK
from driftscope.cli.token import DEFAULT_CONFIG, opened
from driftscope.errors import InputError

if TYPE_CHECKING:
    from driftscope.monitor.store.base import UserRecord

NAME = "user"
HELP = "create people's accounts for the dashboard, change passwords, list, disable"
PASSWORD_VARIABLE = "DRIFTSCOPE_PASSWORD"

EXAMPLES = f"""\
examples:
  driftscope user create --name ada                   # asks for the password twice
  {PASSWORD_VARIABLE}="$(cat secret)" driftscope user create --name ci-viewer
  driftscope user password --name ada
  driftscope user list
  driftscope user disable --name ada

Passwords have at least 12 characters. {PASSWORD_VARIABLE}, when set, gives the password
without a prompt (for scripts); never put a password on the command line.

exit codes: {EXIT_OK} done; {EXIT_ERROR} bad usage or input (a taken or unknown name, a short
password, passwords that differ, an unusable config or store).
"""


def configure(parser: argparse.ArgumentParser) -> None:
    """The options of ``driftscope user``."""
    parser.description = (
        "Manage the accounts people log in to the dashboard with, in the store of a "
        "monitoring project."
    )
    parser.epilog = EXAMPLES
    sub = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    actions = {
        "create": sub.add_parser("create", help="make an account"),
        "password": sub.add_parser("password", help="change an account's password"),
        "list": sub.add_parser("list", help="list accounts"),
        "disable": sub.add_parser("disable", help="keep an account from logging in"),
        "enable": sub.add_parser("enable", help="let a disabled account log in again"),
    }
    for action, each in actions.items():
        each.add_argument(
            "--config", default=DEFAULT_CONFIG, metavar="FILE", help="default: driftscope.yaml"
        )
        each.add_argument("--debug", action="store_true", help="show tracebacks")
        if action != "list":
            each.add_argument("--name", required=True, help="the username")
    actions["list"].add_argument("--json", action="store_true", help="print JSON")


def run(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """Carry out the action."""
    from driftscope.auth import change_password, check_password, check_username, create_user

    if args.action in ("create", "password"):
        if args.action == "create":
            check_username(args.name)  # before asking for a password it would not use
        password = read_password()
        check_password(password)
    with opened(args.config) as store:
        if args.action == "create":
            create_user(store, args.name, password, at=datetime.now(UTC))
            err.write(f"account {args.name!r} created\n")
        elif args.action == "password":
            change_password(store, args.name, password)
            err.write(f"password of {args.name!r} changed\n")
        elif args.action in ("disable", "enable"):
            store.set_user_disabled(args.name, args.action == "disable")
            err.write(f"account {args.name!r} {args.action}d\n")
        elif args.json:
            out.write(json.dumps({"users": [user_dict(u) for u in store.users()]}, indent=2))
            out.write("\n")
        else:
            out.write(users_text(store.users()))
    return EXIT_OK


def read_password() -> str:
    """The password: ``DRIFTSCOPE_PASSWORD`` when set, else asked twice without echo."""
    given = os.environ.get(PASSWORD_VARIABLE)
    if given is not None:
        return given
    if not sys.stdin.isatty():
        raise InputError(
            f"user: no terminal to ask for the password; set {PASSWORD_VARIABLE} instead"
        )
    first = ask("password: ")
    if ask("the same password again: ") != first:
        raise InputError("user: the two passwords differ; nothing was changed")
    return first


def ask(prompt: str) -> str:
    """One password from the terminal, without echo."""
    import getpass

    return getpass.getpass(prompt)


def user_dict(record: UserRecord) -> dict[str, Any]:
    """An account as ``user list --json`` shows it (never its password hash)."""
    from driftscope.alerts.events import rfc3339

    return {
        "username": record.username,
        "created_at": rfc3339(record.created_at.replace(microsecond=0)),
        "disabled": record.disabled,
    }


def users_text(records: list[UserRecord]) -> str:
    """``user list`` for a terminal: one line per account."""
    if not records:
        return "no accounts: make one with `driftscope user create --name NAME`\n"
    width = max(len(r.username) for r in records)
    return "".join(
        f"{d['username']:<{width}}  created {d['created_at']}"
        f"{'  disabled' if d['disabled'] else ''}\n"
        for d in map(user_dict, records)
    )
