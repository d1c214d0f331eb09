"""The driftscope service (``driftscope serve``, the ``[service]`` extra): the HTTP API of
SPEC section 8 on FastAPI. Import :func:`create_app` from :mod:`.app`; importing this package
alone loads nothing heavy."""
