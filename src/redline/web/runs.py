"""Scenario runs of the web app: a bounded queue, live progress, results kept as files.

A run is expensive (thousands of simulated paths per option), so the app runs one at
a time and lets a few wait (:data:`MAX_WAITING`); a further request is refused with
a clear 429 rather than piling up memory.  A finished run is written to
``runs/<id>/result.json`` beside the store (the same JSON as ``redline simulate
--out``) and read back from there, so its page is a permalink that outlives a
restart, and the store itself is never written.  Only a few recent results stay in
memory (:data:`KEEP_IN_MEMORY`).
"""

from __future__ import annotations

import dataclasses
import json
import re
import threading
import time
import uuid
from collections import OrderedDict
from collections.abc import Callable
from pathlib import Path
from typing import Any

from fastapi import HTTPException

__all__ = ["KEEP_IN_MEMORY", "MAX_WAITING", "RUN_ID", "Run", "RunBook"]

#: Runs that may wait while one runs; more are refused (429).
MAX_WAITING = 3
#: Finished results held in memory besides their files.
KEEP_IN_MEMORY = 4
#: What a run id looks like (so an id from a URL can never name another path).
RUN_ID = re.compile(r"^[0-9a-f]{12}$")


@dataclasses.dataclass
class Run:
    """A scenario run: queued, running, done or failed; the progress stream reads it."""

    id: str
    case: str
    scenario: str
    started: float = dataclasses.field(default_factory=time.time)
    ended: float | None = None
    done: int = 0
    total: int = 0
    message: str = "waiting for the run before it"
    finished: bool = False
    error: str | None = None
    paths: int = 0
    seed: int = 0

    @property
    def seconds(self) -> float:
        """Seconds from start to the end (frozen once finished), or to now."""
        return round((self.ended or time.time()) - self.started, 1)

    def meta(self) -> dict[str, Any]:
        return {"id": self.id, "case": self.case, "scenario": self.scenario,
                "started": self.started, "ended": self.ended, "paths": self.paths,
                "seed": self.seed, "error": self.error}


class RunBook:
    """The runs of one app: queue, progress, and the files of finished results.

    Parameters
    ----------
    folder
        Where results are written (``<store folder>/runs``); None keeps them in memory
        only (a store without a file).
    """

    def __init__(self, folder: Path | None) -> None:
        self.folder = folder
        self.runs: dict[str, Run] = {}
        self._results: OrderedDict[str, Any] = OrderedDict()
        self._lock = threading.Lock()
        self._turn = threading.Lock()  # one run simulates at a time
        self._load_index()

    # -- files ---------------------------------------------------------------
    def _dir(self, run_id: str) -> Path | None:
        if self.folder is None or not RUN_ID.match(run_id):
            return None
        return self.folder / run_id

    def _load_index(self) -> None:
        if self.folder is None or not self.folder.is_dir():
            return
        for meta in sorted(self.folder.glob("*/run.json")):
            try:
                m = json.loads(meta.read_text(encoding="utf-8"))
                run = Run(m["id"], m["case"], m["scenario"], m["started"], m.get("ended"),
                          message="done", finished=True, error=m.get("error"),
                          paths=m.get("paths", 0), seed=m.get("seed", 0))
            except (OSError, ValueError, KeyError, TypeError):
                continue  # a damaged folder is skipped, not fatal
            if RUN_ID.match(run.id) and (meta.parent / "result.json").exists():
                self.runs[run.id] = run

    def _write(self, run: Run, result) -> None:
        where = self._dir(run.id)
        if where is None:
            return
        where.mkdir(parents=True, exist_ok=True)
        (where / "result.json").write_text(json.dumps(result.to_dict(fan=True)),
                                           encoding="utf-8")
        (where / "run.json").write_text(json.dumps(run.meta()), encoding="utf-8")

    def result(self, run_id: str):
        """The finished result of ``run_id`` (from memory or its file), else None."""
        with self._lock:
            if run_id in self._results:
                self._results.move_to_end(run_id)
                return self._results[run_id]
        where = self._dir(run_id)
        if where is None or not (where / "result.json").exists():
            return None
        from redline.scenarios.result import ScenarioResult
        data = json.loads((where / "result.json").read_text(encoding="utf-8"))
        names = {f.name for f in dataclasses.fields(ScenarioResult)}
        res = ScenarioResult(**{k: v for k, v in data.items() if k in names})
        self._remember(run_id, res)
        return res

    def _remember(self, run_id: str, result) -> None:
        with self._lock:
            self._results[run_id] = result
            while len(self._results) > KEEP_IN_MEMORY:
                self._results.popitem(last=False)

    # -- queue -----------------------------------------------------------------
    def waiting(self) -> int:
        return sum(1 for r in self.runs.values() if not r.finished)

    def start(self, case: str, scenario: str, paths: int, seed: int,
              work: Callable[[Run], Any]) -> Run:
        """Queue ``work(run)`` (it returns the result); refuse when the queue is full."""
        with self._lock:
            if self.waiting() > MAX_WAITING:
                raise HTTPException(429, f"{self.waiting()} runs are waiting or running; start "
                                    "this one when one of them has finished")
            run = Run(uuid.uuid4().hex[:12], case, scenario, paths=paths, seed=seed)
            self.runs[run.id] = run

        def go() -> None:
            with self._turn:
                run.started = time.time()
                try:
                    res = work(run)
                    if res is not None:
                        self._remember(run.id, res)
                        try:
                            self._write(run, res)
                        except OSError as exc:  # a read-only folder: keep it in memory
                            run.message = f"done (not saved: {exc.strerror})"
                finally:
                    run.ended = time.time()
                    run.finished = True
                    folder = self._dir(run.id)
                    if run.error is None and folder is not None:
                        try:
                            (folder / "run.json").write_text(json.dumps(run.meta()),
                                                             encoding="utf-8")
                        except OSError:
                            pass
        threading.Thread(target=go, daemon=True, name=f"run-{run.id}").start()
        return run

    def get(self, run_id: str) -> Run | None:
        return self.runs.get(run_id) if RUN_ID.match(run_id or "") else None
