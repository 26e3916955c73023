"""Driving another implementation over the JSON-lines protocol (spec/05-vectors.md section 4).

The program is started once, reads one request per line on stdin and writes
one response per line on stdout, in order. A request names the suite, case id,
operation and input; the response says ``valid`` with ``output``, ``invalid``
with ``reason``, or ``unsupported``.
"""

from __future__ import annotations

import json
import queue
import shlex
import subprocess
import threading
from types import TracebackType

from chipstack.vectors.check import Produced
from chipstack.vectors.model import JSONObject, Suite

#: Seconds to wait for one response before the case counts as failed.
DEFAULT_TIMEOUT = 10.0


class ExternalImpl:
    """A running external implementation; use as a context manager, call it as a CaseRunner."""

    def __init__(self, command: str, timeout: float = DEFAULT_TIMEOUT) -> None:
        self.command = command
        self.timeout = timeout
        self._proc = subprocess.Popen(
            shlex.split(command),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=None,  # passed through: implementers debug on standard error
            text=True,
            encoding="utf-8",
            bufsize=1,
        )
        self._lines: queue.Queue[str | None] = queue.Queue()
        self._reader = threading.Thread(target=self._pump, daemon=True)
        self._reader.start()
        self.dead = False

    def _pump(self) -> None:
        assert self._proc.stdout is not None
        for line in self._proc.stdout:
            self._lines.put(line)
        self._lines.put(None)

    def __call__(self, suite: Suite, case: JSONObject) -> Produced:
        """Send one case and read its response; a dead or silent program fails the case."""
        if self.dead:
            return "invalid", "<implementation stopped>"
        request = {
            "suite": suite.name,
            "id": case["id"],
            "operation": case["operation"],
            "input": case["input"],
        }
        try:
            assert self._proc.stdin is not None
            self._proc.stdin.write(json.dumps(request) + "\n")
            self._proc.stdin.flush()
            line = self._lines.get(timeout=self.timeout)
        except (BrokenPipeError, OSError, queue.Empty) as exc:
            self.dead = True
            return "invalid", f"<no response: {type(exc).__name__}>"
        if line is None:
            self.dead = True
            return "invalid", "<implementation exited>"
        return parse_response(line)

    def close(self) -> None:
        """Close stdin and wait for the program (killing it if it lingers)."""
        try:
            if self._proc.stdin is not None:
                self._proc.stdin.close()
            self._proc.wait(timeout=5)
        except (OSError, subprocess.TimeoutExpired):
            self._proc.kill()
            self._proc.wait()

    def __enter__(self) -> ExternalImpl:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


def parse_response(line: str) -> Produced:
    """Turn one response line into what the case produced; malformed lines are failures."""
    try:
        msg = json.loads(line)
    except json.JSONDecodeError:
        return "invalid", f"<malformed response: {line.strip()[:80]}>"
    if not isinstance(msg, dict):
        return "invalid", "<response is not an object>"
    result = msg.get("result")
    if result == "valid" and isinstance(msg.get("output"), dict):
        return "valid", msg["output"]
    if result == "invalid" and isinstance(msg.get("reason"), str):
        return "invalid", msg["reason"]
    if result == "unsupported":
        return "unsupported", ""
    return "invalid", f"<malformed response: {line.strip()[:80]}>"
