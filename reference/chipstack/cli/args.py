"""The command line's parser class and argument types, shared by every sub-command.

:class:`Parser` prints one line on standard error for a bad command line (not
usage plus a message), and every option's help ends with its default.  The
type functions turn text into checked values and refuse anything else with a
message that names what was expected: a port in range, a host that resolves,
a finite number, an existing folder, a command with balanced quotes.
"""

from __future__ import annotations

import argparse
import math
import shlex
import socket
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

#: Exit status for a command line refused before anything ran (as argparse does).
USAGE_ERROR = 2
#: Exit status after Ctrl-C (128 + SIGINT, as shells report it).
INTERRUPTED = 130
#: Exit status when standard output was closed early (128 + SIGPIPE, as shells report it).
BROKEN_PIPE = 141


def _shown_default(value: object) -> str | None:
    """How a default reads in help text; None when the help text itself must say it."""
    if value is None or value is argparse.SUPPRESS:
        return None
    if isinstance(value, bool):
        return "on" if value else "off"
    if isinstance(value, (list, tuple)) and not value:
        return "none"
    return str(value)


class HelpFormatter(argparse.RawDescriptionHelpFormatter):
    """Keeps descriptions as written and ends each option's help with its default."""

    def _get_help_string(self, action: argparse.Action) -> str | None:
        text = action.help or ""
        if (not action.option_strings or "default" in text
                or isinstance(action, (argparse._HelpAction, argparse._VersionAction))):
            return text
        shown = _shown_default(action.default)
        return text if shown is None else f"{text} (default: {shown.replace('%', '%%')})"


if TYPE_CHECKING:
    _SubParsersBase = argparse._SubParsersAction[argparse.ArgumentParser]
else:  # not subscriptable at run time
    _SubParsersBase = argparse._SubParsersAction


class _SubParsers(_SubParsersBase):
    """Sub-command parsers get this module's formatter, and their help as description."""

    def add_parser(self, name: str, **kwargs: Any) -> argparse.ArgumentParser:
        kwargs.setdefault("formatter_class", HelpFormatter)
        if kwargs.get("description") is None and kwargs.get("help"):
            kwargs["description"] = str(kwargs["help"])[:1].upper() + str(kwargs["help"])[1:] + "."
        return super().add_parser(name, **kwargs)


class Parser(argparse.ArgumentParser):
    """An argument parser that refuses a bad command line in one line on standard error."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", HelpFormatter)
        super().__init__(*args, **kwargs)
        self.register("action", "parsers", _SubParsers)

    def error(self, message: str) -> NoReturn:
        """Print ``prog: message (see prog --help)`` and exit with status 2."""
        self.exit(USAGE_ERROR, f"{self.prog}: {message} (see '{self.prog} --help')\n")


def fail(message: str, status: int = 1) -> int:
    """Print ``chipstack: message`` as one line on standard error; return ``status``."""
    print(f"chipstack: {' '.join(message.split())}", file=sys.stderr, flush=True)
    return status


# -- argument types ------------------------------------------------------------------


def port(text: str) -> int:
    """A TCP port number, 0 (any free port) to 65535."""
    if not (text.isascii() and text.isdigit()) or int(text) > 65535:
        raise argparse.ArgumentTypeError(f"expected a port from 0 to 65535, got {text!r}")
    return int(text)


def hostport(text: str) -> tuple[str, int]:
    """``HOST:PORT`` whose host resolves (a name, an IPv4 address, or ``[IPv6]``)."""
    host, sep, port_text = text.rpartition(":")
    if not sep or not host:
        raise argparse.ArgumentTypeError(f"expected HOST:PORT, got {text!r}")
    if host.startswith("[") and host.endswith("]"):
        host = host[1:-1]
    number = port(port_text)
    try:
        socket.getaddrinfo(host, number, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError) as exc:
        raise argparse.ArgumentTypeError(f"cannot resolve host {host!r}: {exc}") from None
    return host, number


def int_range(low: int, high: int) -> Callable[[str], int]:
    """An integer from ``low`` to ``high`` inclusive."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected an integer, got {text!r}") from None
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(
                f"expected an integer from {low} to {high}, got {text!r}")
        return value

    parse.__name__ = "integer"
    return parse


def finite(low: float = 0.0, high: float = 1e9, low_open: bool = False) -> Callable[[str], float]:
    """A finite number from ``low`` (excluded if ``low_open``) to ``high``: no nan, no inf."""

    def parse(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None
        too_low = value <= low if low_open else value < low
        if not math.isfinite(value) or too_low or value > high:
            bound = f"more than {low:g}" if low_open else f"at least {low:g}"
            raise argparse.ArgumentTypeError(
                f"expected a finite number {bound} and at most {high:g}, got {text!r}")
        return value

    parse.__name__ = "number"
    return parse


def existing_dir(text: str) -> Path:
    """A folder that exists."""
    path = Path(text)
    if not path.is_dir():
        raise argparse.ArgumentTypeError(f"no such folder: {text!r}")
    return path


def utf8(text: str) -> str:
    """Text that is valid UTF-8 (a terminal in another encoding can pass other bytes)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise argparse.ArgumentTypeError(f"expected UTF-8 text, got {text!r}") from None
    return text


def command(text: str) -> str:
    """A command line split as a shell would (balanced quotes, not empty)."""
    try:
        words = shlex.split(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"cannot split command {text!r}: {exc}") from None
    if not words:
        raise argparse.ArgumentTypeError("the command is empty")
    return text


LOG_LEVELS = ("debug", "info", "warning", "error")


def add_log_level(parser: argparse.ArgumentParser, default: str) -> None:
    """Add ``--log-level`` (how much the command logs, on standard error)."""
    parser.add_argument("--log-level", choices=LOG_LEVELS, default=default,
                        help="how much to log on standard error")


def setup_logging(level: str) -> None:
    """Send ``chipstack`` log records at ``level`` and above to standard error, one line each."""
    import logging

    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)-7s %(name)s: %(message)s",
                                           "%H:%M:%S"))
    root = logging.getLogger("chipstack")
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    root.propagate = False
