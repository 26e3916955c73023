"""Negentropy conformance-test harness: ``python -m chipstack.sync.negentropy_harness``.

Speaks the line protocol of the Negentropy project's cross-language tests
(hoytech/negentropy ``test/cpp/harness.cpp``, driven by ``test/fuzz.pl`` and
``test/protoversion.pl``); spec/01-sync.md rules ``[NEG-23]`` .. ``[NEG-25]``.

Input lines: ``item,<timestamp>,<hex id>`` (any number), then ``seal``; a
client then gets ``initiate`` and answers ``msg,<hex>``. Afterwards every
``msg,<hex>`` is answered: by a client with ``have,<hex>`` / ``need,<hex>``
lines then ``msg,<hex>`` or ``done``; by a server with exactly one
``msg,<hex>``. ``FRAMESIZELIMIT`` (unset, empty or 0 = none) limits the size
of produced messages. Output is flushed after every line. Exit status 0 at
end of input; on any error a line ``error,<reason code>,<detail>`` goes to
stderr and the exit status is 1.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Iterable, Mapping
from typing import NoReturn, TextIO

from chipstack.encoding import from_hex
from chipstack.errors import Reason, Rejected
from chipstack.sync.negentropy import Negentropy, Storage


def _bad(detail: str) -> Rejected:
    return Rejected(Reason.SYNC_NEGENTROPY_HARNESS_BAD_LINE, detail)


def frame_size_limit_from_env(env: Mapping[str, str]) -> int:
    """Read ``FRAMESIZELIMIT``: unset, empty or ``0`` mean no limit ([NEG-24])."""
    raw = env.get("FRAMESIZELIMIT", "").strip()
    if not raw:
        return 0
    if not (raw.isascii() and raw.isdigit()):  # str.isdigit alone accepts e.g. "²"
        raise _bad(f"FRAMESIZELIMIT={raw!r} is not a decimal integer")
    return int(raw)


class Harness:
    """The harness state machine: collects items, then runs one Negentropy session."""

    def __init__(self, frame_size_limit: int, out: TextIO) -> None:
        self.frame_size_limit = frame_size_limit
        self.out = out
        self.items: list[tuple[int, bytes]] = []
        self.session: Negentropy | None = None

    def _emit(self, line: str) -> None:
        self.out.write(line + "\n")
        self.out.flush()

    def _send(self, msg: bytes) -> None:
        if self.frame_size_limit and len(msg) > self.frame_size_limit:
            raise _bad(f"produced {len(msg)} bytes > limit {self.frame_size_limit}")
        self._emit("msg," + msg.hex())

    def _need_session(self) -> Negentropy:
        if self.session is None:
            raise _bad("command before seal")
        return self.session

    def handle(self, line: str) -> None:
        """Process one input line (without its newline)."""
        if not line:
            return
        fields = line.split(",")
        cmd = fields[0]
        if cmd == "item":
            if self.session is not None:
                raise _bad("item after seal")
            if len(fields) != 3 or not (fields[1].isascii() and fields[1].isdigit()):
                raise _bad(f"bad item line {line!r}")
            self.items.append((int(fields[1]), from_hex(fields[2])))
        elif cmd == "seal":
            if self.session is not None or len(fields) != 1:
                raise _bad("seal twice or with arguments")
            self.session = Negentropy(Storage(self.items), self.frame_size_limit)
            self.items = []
        elif cmd == "initiate":
            self._send(self._need_session().initiate())
        elif cmd == "msg":
            if len(fields) > 2:
                raise _bad("msg line with extra fields")
            session = self._need_session()
            msg = from_hex(fields[1]) if len(fields) == 2 else b""
            if session.is_initiator:
                reply, have, need = session.reconcile_client(msg)
                for item_id in have:
                    self._emit("have," + item_id.hex())
                for item_id in need:
                    self._emit("need," + item_id.hex())
                if reply is None:
                    self._emit("done")
                else:
                    self._send(reply)
            else:
                self._send(session.reconcile(msg))
        else:
            raise _bad(f"unknown command {cmd!r}")


def run(lines: Iterable[str], out: TextIO, err: TextIO, env: Mapping[str, str]) -> int:
    """Run the harness over ``lines``; return the process exit status ([NEG-23], [NEG-25])."""
    try:
        harness = Harness(frame_size_limit_from_env(env), out)
        if harness.frame_size_limit:
            Negentropy(Storage(), harness.frame_size_limit)  # validate the limit up front
        for raw in lines:
            harness.handle(raw.rstrip("\r\n"))
    except Rejected as exc:
        err.write(f"error,{exc.reason.value},{exc.detail}\n")
        err.flush()
        return 1
    return 0


class _Arguments(argparse.ArgumentParser):
    """Refuses a bad command line in one line on stderr (not usage plus a message)."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: {message} (see --help)\n")


def main(argv: list[str] | None = None) -> int:
    """Entry point: stdin -> stdout, errors on stderr; ``--help`` prints the protocol."""
    _Arguments(
        prog="python -m chipstack.sync.negentropy_harness",
        description=(__doc__ or "").replace("``", ""),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    ).parse_args(argv)
    return run(sys.stdin, sys.stdout, sys.stderr, os.environ)


if __name__ == "__main__":
    sys.exit(main())
