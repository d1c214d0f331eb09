"""The dashboard of ``driftscope serve``: server-rendered pages (Jinja2 templates, SVG charts,
one stylesheet, all served from this package) for people signed in with a session.

:mod:`.web` holds what pages share (templates, headers, sessions, form tokens), :mod:`.login`
the sign-in, :mod:`.pages` the pages, :mod:`.views` what they read from the store,
:mod:`.charts` the SVG, :mod:`.docs` the API's Swagger page.
"""
