"""The Python client a model server uses to send its inference logs to ``driftscope serve``.

:meth:`Client.log` only puts rows on a queue and returns: a background daemon thread posts them
to ``POST /api/v1/projects/{project}/logs`` in batches (when ``batch_rows`` rows are waiting, or
every ``flush_interval`` seconds), as JSON for small batches of dict rows and as Parquet for
large ones and for tables. Connection errors, timeouts, 429 (honouring ``Retry-After``) and 5xx
are retried with exponential backoff and jitter, without end; a batch the server refuses with
another 4xx is dropped, counted in :attr:`Client.failed` and logged in one line (logger
``driftscope.client``; the token is never logged). At most ``max_queued_rows`` rows wait: beyond
that the oldest are dropped and counted in :attr:`Client.dropped`, so a long outage never grows
memory. :meth:`Client.log` never blocks on the network and never raises for network or server
problems; it raises TypeError at once for an argument that is not rows.

:meth:`Client.label` queues late labels (rows with the project's id and target columns) for
``POST .../labels`` in the same way: batched, retried and bounded like logs, in batches of
their own.

>>> client = Client("http://127.0.0.1:9", "ds_example", project="credit")  # nothing listens
>>> client.log({"ts": "2026-03-01T10:00:00Z", "income": 52000.0, "device": "mobile"})
>>> client.queued
1
>>> client.close(timeout=0)  # gives up at once: what is left is counted as dropped
False
>>> client.sent, client.dropped
(0, 1)
"""

from driftscope.client._client import Client
from driftscope.client._rows import PARQUET_ROWS

__all__ = ["PARQUET_ROWS", "Client"]
