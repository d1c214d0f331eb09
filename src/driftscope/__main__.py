"""``python -m driftscope``: the ``driftscope`` command, as ``python -m driftscope.cli``."""

from driftscope.cli import main

# The guard matters: worker processes (profile --jobs) are spawned and import this module again.
if __name__ == "__main__":
    raise SystemExit(main())
