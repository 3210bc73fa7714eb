"""The package's version, in a module of its own so the command line can read it
without loading the Sphinx extension."""

__version__ = "0.1.0"
