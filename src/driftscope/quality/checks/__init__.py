"""One module per check, each a small function from measured data and a constraint to a
finding (or None). :mod:`driftscope.quality.check` runs them in order."""
