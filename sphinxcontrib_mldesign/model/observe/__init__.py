"""Where observed values come from: the servers and files a metric's ``:observe:`` names,
asked without Sphinx. :mod:`.server` is how a server is configured (and how its secrets
stay out of every output); the sources and the live pool sit beside it."""
