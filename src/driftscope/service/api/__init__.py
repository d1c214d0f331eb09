"""The HTTP API of SPEC section 8: :mod:`.logs` takes what models post (logs, labels),
:mod:`.read` answers what people and programs read (windows, metrics, alerts); the shared
pieces (errors, auth, times) are in :mod:`.common`."""
