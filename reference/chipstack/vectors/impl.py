"""Driving another implementation over the JSON-lines protocol (spec/05-vectors.md section 4).

The program is started once, reads one request per line on stdin and writes
one response per line on stdout, in order. A request names the suite, case id,
operation and input; the response says ``valid`` with ``output``, ``invalid``
with ``reason``, or ``unsupported``. Its standard error is passed through to
ours, and its last lines are kept to explain a crash.
"""

from __future__ import annotations

import json
import queue
import shlex
import subprocess
import sys
import threading
from collections import deque
from types import TracebackType

from chipstack.vectors.check import Produced
from chipstack.vectors.model import JSONObject, Suite

#: Seconds to wait for one response before the implementation counts as silent.
DEFAULT_TIMEOUT = 10.0
#: Lines of the implementation's standard error quoted when it crashes.
STDERR_TAIL_LINES = 10
#: Standard error is read in pieces of at most this many characters (memory stays bounded).
STDERR_CHUNK_CHARS = 4096
#: The longest response line read (characters); a longer one stops the run (VEC-6).
MAX_RESPONSE_CHARS = 8_000_000
#: Put on the line queue when a response line is longer than :data:`MAX_RESPONSE_CHARS`.
_TOO_LONG = "\x00too long"


class ExternalImpl:
    """A running external implementation; use as a context manager, call it as a CaseRunner.

    The first time the program stops answering (no response within the
    timeout, or it exits), :attr:`problem` says why, once; that case and every
    later one are ``stopped`` (counted as failed, [VEC-6]).
    """

    def __init__(self, command: str, timeout: float = DEFAULT_TIMEOUT) -> None:
        self.command = command
        self.timeout = timeout
        self.problem: str | None = None
        self._proc = subprocess.Popen(
            shlex.split(command),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            encoding="utf-8",
            errors="replace",
            bufsize=1,
        )
        self._lines: queue.Queue[str | None] = queue.Queue()
        self._stderr_tail: deque[str] = deque(maxlen=STDERR_TAIL_LINES)
        self._reader = threading.Thread(target=self._pump, daemon=True)
        self._reader.start()
        self._err_reader = threading.Thread(target=self._pump_stderr, daemon=True)
        self._err_reader.start()

    def _pump(self) -> None:
        assert self._proc.stdout is not None
        while line := self._proc.stdout.readline(MAX_RESPONSE_CHARS + 1):
            if len(line) > MAX_RESPONSE_CHARS:
                self._lines.put(_TOO_LONG)  # read no further: memory stays bounded
                return
            self._lines.put(line)
        self._lines.put(None)

    def _pump_stderr(self) -> None:
        assert self._proc.stderr is not None
        while line := self._proc.stderr.readline(STDERR_CHUNK_CHARS):  # a long line in pieces
            sys.stderr.write(line)
            self._stderr_tail.append(line.rstrip("\n")[:200])
        sys.stderr.flush()

    def __call__(self, suite: Suite, case: JSONObject) -> Produced:
        """Send one case and read its response; a dead or silent program stops the run."""
        if self.problem is not None:
            return "stopped", ""
        where = f"{suite.name} #{case['id']}"
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
        except queue.Empty:
            self._proc.kill()
            self.problem = f"no response within {self.timeout:g} s (at {where})"
            return "stopped", self.problem
        except OSError:  # a closed pipe: the program has exited
            line = None
        if line is None:
            self.problem = self._exit_report(where)
            return "stopped", self.problem
        if line == _TOO_LONG:
            self._proc.kill()
            self.problem = f"a response longer than {MAX_RESPONSE_CHARS:,} characters (at {where})"
            return "stopped", self.problem
        return parse_response(line)

    def _exit_report(self, where: str) -> str:
        """Describe the program's exit: its code and the tail of its standard error."""
        try:
            code: int | str = self._proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            code = "unknown (still running, output closed)"
        self._err_reader.join(timeout=2)
        text = f"the implementation exited with code {code} (at {where})"
        if self._stderr_tail:
            text += "; last lines of its standard error:\n" + "\n".join(
                "    " + line for line in self._stderr_tail
            )
        return text

    def close(self) -> None:
        """Close stdin and wait for the program (killing it if it lingers)."""
        try:
            if self._proc.stdin is not None:
                self._proc.stdin.close()
            self._proc.wait(timeout=5)
        except (OSError, subprocess.TimeoutExpired):
            self._proc.kill()
            self._proc.wait()
        self._err_reader.join(timeout=2)

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
