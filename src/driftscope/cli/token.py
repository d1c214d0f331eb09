"""``driftscope token create|revoke|list``: the machine API tokens of a project's store
(SPEC sections 7 and 8). A new token is printed once, alone on stdout; the store keeps only its
SHA-256, so it cannot be shown again."""

from __future__ import annotations

import argparse
import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, TextIO

from driftscope.cli._common import EXIT_ERROR, EXIT_OK
from driftscope.errors import InputError

if TYPE_CHECKING:
    from driftscope.monitor.store.base import Store, TokenRecord

NAME = "token"
HELP = "create, revoke and list the API tokens of the HTTP API (driftscope serve)"
DEFAULT_CONFIG = "driftscope.yaml"
DEFAULT_SCOPE = "ingest"

EXAMPLES = f"""\
examples:
  driftscope token create --name fraud-model-prod            # scope ingest: may post logs
  driftscope token create --name grafana --scope read
  export DRIFTSCOPE_TOKEN="$(driftscope token create --name ci --scope admin)"
  driftscope token list
  driftscope token revoke --name ci

scopes: ingest posts logs and labels; read reads windows, metrics and alerts; admin does both
and everything else. A request sends its token as 'Authorization: Bearer TOKEN'.

exit codes: {EXIT_OK} done; {EXIT_ERROR} bad usage or input (a live token of that name exists,
no live token of that name to revoke, an unusable config or store).
"""


def configure(parser: argparse.ArgumentParser) -> None:
    """The options of ``driftscope token``."""
    # Here, not at the top: the store's package loads SQLAlchemy, which only this command needs.
    from driftscope.monitor.store.base import SCOPES

    parser.description = (
        "Manage API tokens in the store of a monitoring project: `create` prints a new token "
        "once (keep it: only its hash is stored), `revoke` ends one for good, `list` shows "
        "their names, scopes and last use (never the tokens)."
    )
    parser.epilog = EXAMPLES
    sub = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    create = sub.add_parser("create", help="make a token and print it once")
    revoke = sub.add_parser("revoke", help="revoke the live token of a name")
    listing = sub.add_parser("list", help="list tokens (never the tokens themselves)")
    for each in (create, revoke, listing):
        each.add_argument(
            "--config", default=DEFAULT_CONFIG, metavar="FILE", help="default: driftscope.yaml"
        )
        each.add_argument("--debug", action="store_true", help="show tracebacks")
    for each in (create, revoke):
        each.add_argument("--name", required=True, help="the token's name, unique among live ones")
    create.add_argument(
        "--scope",
        choices=SCOPES,
        default=DEFAULT_SCOPE,
        help=f"what it may do (default: {DEFAULT_SCOPE})",
    )
    listing.add_argument("--json", action="store_true", help="print JSON")


@contextmanager
def opened(config_path: str) -> Iterator[Store]:
    """The store of the monitoring project at ``config_path``, closed afterwards."""
    from driftscope.monitor.config import load_config
    from driftscope.monitor.store import open_store

    store = open_store(load_config(config_path).store)
    try:
        yield store
    finally:
        store.close()


def run(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """Carry out the action."""
    from driftscope.auth import new_token, token_hash

    with opened(args.config) as store:
        if args.action == "create":
            token = new_token()
            record = store.add_token(args.name, args.scope, token_hash(token), datetime.now(UTC))
            out.write(token + "\n")
            out.flush()
            err.write(
                f"token {record.name!r} (scope {record.scope}) created; keep it: it is shown once\n"
            )
        elif args.action == "revoke":
            if not store.revoke_token(args.name, datetime.now(UTC)):
                raise InputError(f"token: there is no live token named {args.name!r}")
            err.write(f"token {args.name!r} revoked\n")
        elif args.json:
            out.write(json.dumps({"tokens": [token_dict(t) for t in store.tokens()]}, indent=2))
            out.write("\n")
        else:
            out.write(tokens_text(store.tokens()))
    return EXIT_OK


def _time(moment: datetime | None) -> str | None:
    from driftscope.alerts.events import rfc3339

    return None if moment is None else rfc3339(moment.replace(microsecond=0))


def token_dict(record: TokenRecord) -> dict[str, Any]:
    """A token as ``token list --json`` shows it: its name, scope, state and times."""
    return {
        "name": record.name,
        "scope": record.scope,
        "state": "live" if record.revoked_at is None else "revoked",
        "created_at": _time(record.created_at),
        "last_used_at": _time(record.last_used_at),
        "revoked_at": _time(record.revoked_at),
    }


def tokens_text(records: list[TokenRecord]) -> str:
    """``token list`` for a terminal: one line per token, live ones first."""
    if not records:
        return "no tokens: make one with `driftscope token create --name NAME`\n"
    ordered = sorted(records, key=lambda r: r.revoked_at is not None)
    width = max(len(r.name) for r in ordered)
    lines = []
    for r in ordered:
        used = _time(r.last_used_at) or "never"
        state = "live" if r.revoked_at is None else f"revoked {_time(r.revoked_at)}"
        lines.append(
            f"{r.name:<{width}}  {r.scope:<6}  created {_time(r.created_at)}  "
            f"last used {used}  {state}"
        )
    return "\n".join(lines) + "\n"
