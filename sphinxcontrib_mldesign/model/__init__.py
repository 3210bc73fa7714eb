"""The design doc as data, with no Sphinx in sight.

Items and their option formats, the JSON Schemas they are validated against, the rules
they are held to (:mod:`.rules`: names, severities, gap labels), fallback chains, areas
and bus factor, risk scores, git dates and staleness. Everything here is plain Python
(plus ``jsonschema``), unit-tested without a build; the Sphinx-facing layers (directives,
domain, checks, roll-ups) are built on it and never the other way round.
"""
