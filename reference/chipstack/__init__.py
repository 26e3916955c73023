"""chipstack: reference implementation of protocols for decentralized table games."""

#: The package version, the one place it is written (``pyproject.toml`` reads it
#: from here; ``chipstack --version`` prints it).
__version__ = "0.1.0"
