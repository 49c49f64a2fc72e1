"""Runs a parser over many files and returns one JSON object per file, plus the files it
crashed or hung on.

The real parser is `smartysales mime inspect --structure FILE…`, started on batches of files
to keep process start-up out of the way. A batch that exits abnormally (a trap, a signal) or
outlives its time limit is split in halves and each half run again, down to single files: the
files left failing alone are the ones reported, and every other file still gets its object.
"""
import json
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass


@dataclass
class Failure:
    file: str
    kind: str  # "crash", "hang" or "bad output"
    detail: str


class BinaryParser:
    label = "smartysales"

    def __init__(self, binary, batch_size=100, hang_seconds=10.0, verbose=False):
        self.binary = binary
        self.batch_size = batch_size
        self.hang_seconds = hang_seconds
        self.verbose = verbose
        self.failures = []
        self.invocations = 0

    def check_runs(self):
        """Fails early, with the binary's own message, when it cannot run at all (not built,
        or built before `--structure` existed), instead of blaming every file. The probe is a
        message of our own, so a corpus file that crashes the parser is not mistaken for this."""
        with tempfile.TemporaryDirectory() as folder:
            probe = os.path.join(folder, "probe.eml")
            with open(probe, "wb") as handle:
                handle.write(b"Subject: probe\r\nContent-Type: text/plain\r\n\r\nbody\r\n")
            try:
                out = subprocess.run([self.binary, "mime", "inspect", "--structure", "--", probe],
                                     capture_output=True, timeout=60)
            except (OSError, subprocess.TimeoutExpired) as error:
                return f"cannot run {self.binary}: {error}"
        if out.returncode != 0:
            return f"{self.binary} mime inspect --structure exited with {out.returncode}: {out.stderr.decode(errors='replace').strip()[-500:]}"
        try:
            if "structure" not in json.loads(out.stdout.decode("utf-8", errors="replace").split("\n")[0]):
                return f"{self.binary} mime inspect --structure prints no \"structure\" (an older build?)"
        except (IndexError, json.JSONDecodeError):
            return f"{self.binary} mime inspect printed no JSON: {out.stdout[:200]!r}"
        return None

    def parse(self, files):
        results = {}
        for start in range(0, len(files), self.batch_size):
            self._run(files[start:start + self.batch_size], results)
            if self.verbose:
                done = min(start + self.batch_size, len(files))
                print(f"  parsed {done}/{len(files)} files", file=sys.stderr)
        return results

    def _run(self, batch, results):
        # Per file as much as one hang would take, so a batch of slow-but-finite files does not
        # read as a hang, yet a real hang costs about the same whatever the batch size.
        timeout = self.hang_seconds + 0.25 * len(batch) if len(batch) > 1 else self.hang_seconds
        self.invocations += 1
        try:
            out = subprocess.run([self.binary, "mime", "inspect", "--structure", "--", *batch],
                                 capture_output=True, timeout=timeout)
        except subprocess.TimeoutExpired:
            return self._split(batch, results, "hang", f"no answer within {timeout:.0f} s")
        if out.returncode != 0:
            stderr = out.stderr.decode(errors="replace").strip().splitlines()
            detail = f"exit status {out.returncode}" + (f": {stderr[-1][:300]}" if stderr else "")
            return self._split(batch, results, "crash", detail)
        # Split on LF only: str.splitlines() also breaks at U+0085, U+2028 and friends, which
        # JSON strings may carry unescaped.
        lines = [line for line in out.stdout.decode("utf-8", errors="replace").split("\n") if line]
        try:
            objects = [json.loads(line) for line in lines]
        except json.JSONDecodeError as error:
            return self._split(batch, results, "bad output", f"not JSON: {error}")
        if len(objects) != len(batch) or any(obj.get("file") != path for obj, path in zip(objects, batch)):
            return self._split(batch, results, "bad output", f"{len(objects)} objects for {len(batch)} files")
        for path, obj in zip(batch, objects):
            results[path] = obj

    def _split(self, batch, results, kind, detail):
        if len(batch) == 1:
            self.failures.append(Failure(batch[0], kind, detail))
            return
        middle = len(batch) // 2
        self._run(batch[:middle], results)
        self._run(batch[middle:], results)


class PythonReferenceParser:
    """Python's `email` package in the same JSON shape (see reference_python.py): a stand-in
    that checks the oracle readers without a build."""
    label = "python-email (reference)"

    def __init__(self, verbose=False, hang_seconds=10.0):
        self.failures = []
        self.invocations = 0
        self.verbose = verbose
        self.hang_seconds = hang_seconds

    def check_runs(self):
        return None

    def parse(self, files):
        import reference_python
        results = {}
        for path in files:
            started = time.monotonic()
            try:
                results[path] = reference_python.inspect(path)
            except Exception as error:  # the stand-in's own crashes are reported like ours
                self.failures.append(Failure(path, "crash", f"{type(error).__name__}: {error}"))
                continue
            if time.monotonic() - started > self.hang_seconds:
                self.failures.append(Failure(path, "hang", f"took {time.monotonic() - started:.1f} s"))
        return results
