"""The brief: one self-contained HTML file (and optionally PDF) from computed results.

::

    results = compute_results(store, "us-iran-proxies-2023", scenario="after-tower-22")
    brief = build_brief(results)
    brief.write_html("brief.html"); brief.write_pdf("brief.pdf")

:func:`compute_results` runs every stage the brief reports (fit, backtest,
phases, deterrence, reciprocity, network, scenario); :func:`build_brief` turns
them into text, tables and charts.  Nothing in the brief is typed by hand: the
key judgments are generated from the result objects, which the brief keeps
(``brief.results``) so tests can check each number against its source.

The HTML has all CSS, fonts (DejaVu Sans, embedded) and charts (SVG drawn by
vl-convert) inline; it makes no request when opened.
"""

from __future__ import annotations

import base64
import datetime as dt
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

import pandas as pd
from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup

from redline.data.case import Case, load_case
from redline.data.filters import EventFilter
from redline.diagnostics import Diagnostics
from redline.errors import InputError, RedlineError, ReportError
from redline.reports import charts, sections
from redline.reports import judgments as J
from redline.reports.glossary import entries as glossary_entries
from redline.reports.sources import RELIABILITY_NOTE, SourceList, case_grades

__all__ = ["BriefResults", "Brief", "compute_results", "build_brief", "write_brief",
           "SECTION_IDS"]

#: Forecast origins of the brief's backtest at most: weekly over a window of years would
#: refit every model hundreds of times (the Iraq GED case: 780 origins, 3 minutes).
BACKTEST_MAX_ORIGINS = 52

SECTION_IDS = {"key-judgments": "Key judgments", "cannot-tell": "What the data cannot tell",
               "what-happened": "What happened",
               "who": "Who is involved", "dynamics": "The dynamics",
               "implications": "Implications", "method": "Assumptions and method",
               "sources": "Sources"}

Progress = Callable[[str], None]


@dataclass
class BriefResults:
    """Everything the brief reports, as the stages returned it."""

    case: Case
    events: pd.DataFrame
    counts: pd.DataFrame
    stream_ids: dict[str, list[str]]
    labels: dict[str, str]
    fit: Any = None
    coupling: pd.DataFrame | None = None
    residuals: pd.DataFrame | None = None
    backtest: Any = None
    backtest_settings: dict[str, Any] = field(default_factory=dict)
    phases: Any = None
    deterrence: Any = None
    reciprocity: list[Any] = field(default_factory=list)
    analysis: Any = None
    scenario: Any = None
    scenario_result: Any = None
    tallies: pd.DataFrame | None = None
    coverage: dict[str, Any] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    diagnostics: Diagnostics = field(default_factory=Diagnostics)
    window: Any = None
    precision: pd.DataFrame | None = None

    def collect(self, *objs: Any) -> None:
        """Add the diagnostics that stage results carry (``diagnostics`` or ``diagnostics_``)."""
        for obj in objs:
            for name in ("diagnostics", "diagnostics_"):
                d = getattr(obj, name, None)
                if d is not None and not isinstance(d, (str, bytes)):
                    try:
                        self.diagnostics.extend(d if not isinstance(d, list) or not d or not
                                                isinstance(d[0], dict) else Diagnostics.from_list(d))
                    except TypeError:
                        pass

    @property
    def data_after_end(self) -> bool:
        """Whether the store holds stream events after the case window."""
        return bool(self.window is not None and self.window.data_after_end)

    @property
    def attack_stream(self) -> str | None:
        return list(self.fit.counts.columns)[0] if self.fit is not None else None

    @property
    def sources_by_id(self) -> dict[str, list[str]]:
        if not hasattr(self, "_by_id"):
            self._by_id = {r.event_id: [str(s) for s in (r.sources if r.sources is not None else [])]
                           for r in self.events[["event_id", "sources"]].itertuples(index=False)}
        return self._by_id

    @property
    def summary_by_id(self) -> dict[str, str]:
        return dict(zip(self.events["event_id"], self.events["summary"].fillna("")))

    def full_id(self, native: str) -> str | None:
        """The store id of an event the case names by its native id (``USP-0153``)."""
        for eid in (native, f"{self.case.name}:{native}"):
            if eid in self.sources_by_id:
                return eid
        hits = [e for e in self.sources_by_id if e.endswith(":" + native)]
        return hits[0] if hits else None

    @property
    def proper(self) -> frozenset[str]:
        """Words the case writes as names: they keep their capital inside a sentence."""
        if not hasattr(self, "_proper"):
            self._proper = J.proper_nouns(self.case)
        return self._proper

    def noun(self, label: str) -> str:
        """A label (stream, metric, objective) as written inside a sentence."""
        return J.noun(label, self.proper)

    @property
    def covariates_by_name(self) -> dict[str, Any]:
        return {c.name: c for c in self.case.covariates}

    def covariate_label(self, name: str) -> str:
        """Short name of a covariate that keeps the case's names ("KH suspension")."""
        c = self.covariates_by_name.get(name)
        return J.covariate_label(c, self.proper) if c is not None else name.replace("_", " ")

    def covariate_phrase(self, name: str) -> str:
        """What a covariate marks, for a sentence, from its description."""
        c = self.covariates_by_name.get(name)
        return J.covariate_phrase(c, self.proper) if c is not None else name.replace("_", " ")

    @property
    def covariate_sources(self) -> dict[str, list[str]]:
        return {c.name: list(c.sources) for c in self.case.covariates}


def _timed(res: BriefResults, name: str, progress: Progress | None):
    class _T:
        def __enter__(self):
            if progress:
                progress(name)
            self.t0 = time.perf_counter()

        def __exit__(self, *exc):
            res.timings[name] = time.perf_counter() - self.t0
    return _T()


def compute_results(store, case: Case | str, scenario: str | Path | None = None,
                    n_paths: int = 10_000, seed: int = 1, backtest_paths: int = 300,
                    progress: Progress | None = None) -> BriefResults:
    """Run the stages the brief reports on ``case`` (and ``scenario``, if given).

    Parameters
    ----------
    store
        A redline store holding the case's events.
    scenario
        A scenario file, or the name of one of the case's scenarios.
    n_paths
        Monte Carlo paths per option of the scenario.
    """
    from redline.analysis.backtest import backtest_case
    from redline.analysis.fit import FitCache, coupling_table

    case = load_case(case) if not isinstance(case, Case) else case
    spec = _load_scenario(case, scenario) if scenario is not None else None  # fail before the work
    actors = {a.id for a in case.actors}
    ev = store.events(EventFilter(start=case.start, end=case.end).in_case(case))
    fits = FitCache(store, case)  # counts read and each model fitted once for the whole brief
    data = fits.data.streams()
    in_streams = {i for ids in data.event_ids.values() for i in ids}
    keyed = {i for ke in case.key_events for i in ke.event_ids}
    keep = (ev["actor"].isin(actors) | ev["target"].isin(actors) | ev["event_id"].isin(in_streams)
            | ev["event_id"].map(sections.native_id).isin(keyed))
    ev = ev[keep].reset_index(drop=True)
    labels = {s.name: s.label or s.name.replace("_", " ") for s in case.streams}
    res = BriefResults(case, ev, data.counts, data.event_ids, labels)
    with _timed(res, "fit", progress):
        res.fit = fits.fit(random_state=seed)
        res.coupling = coupling_table(res.fit)
        res.residuals = res.fit.residuals().summary()
        res.collect(res.fit, res.fit.model)
    with _timed(res, "backtest", progress):
        horizon = 14
        try:
            res.backtest = backtest_case(store, case, horizon=horizon, n_paths=backtest_paths,
                                         random_state=seed, max_origins=BACKTEST_MAX_ORIGINS)
        except InputError as exc:  # a window too short: the brief says so, without skill
            res.backtest = None
            res.diagnostics.add("backtest.not_run", f"no backtest: {exc.reason}")
        if res.backtest is not None:
            n_orig = int(res.backtest.scores["origin"].nunique()) if len(res.backtest.scores) else 0
            res.backtest_settings = {
                "horizon": horizon, "paths": backtest_paths,
                "origins": (f"{n_orig} in the second half of the window: weekly, or, where "
                            f"weeks would be more than {BACKTEST_MAX_ORIGINS}, that many "
                            "spread evenly")}
            res.collect(res.backtest)
    with _timed(res, "analysis", progress):
        _run_analyses(store, res, fits)
        from redline.analysis.window import date_precision, outside_window
        res.window = outside_window(store, case)
        res.precision, prec_diags = date_precision(ev, data.event_ids)
        res.collect(res.phases, res.deterrence, res.window)
        res.diagnostics.extend(prec_diags)
    if case.tallies_path is not None:
        res.tallies = pd.read_csv(case.tallies_path)
        res.coverage = sections.coverage_table(res)
    if spec is not None:
        from redline.scenarios.runner import run_scenario
        with _timed(res, "scenario", progress):
            res.scenario = spec
            res.scenario_result = run_scenario(spec, case, store, n_paths=n_paths, seed=seed,
                                               fits=fits)
            res.collect(res.scenario_result)
    return res


def _run_analyses(store, res: BriefResults, fits: Any = None) -> None:
    """Phases, deterrence windows and reciprocity (``redline.analysis``)."""
    case = res.case
    try:
        from redline.analysis import analyze
    except ImportError:
        analyze = None
    if analyze is not None:
        try:
            res.analysis = analyze(store, case, fits=fits)
        except RedlineError as exc:
            res.notes.append(f"analysis: {exc}")
    a = res.analysis
    picks = {name: getattr(a, name, None) for name in ("phases", "deterrence", "reciprocity")}
    try:
        from redline.analysis.deterrence import deterrence
        from redline.analysis.escalation import detect_phases
        from redline.analysis.reciprocity import default_pairs, reciprocity
    except ImportError as exc:  # the analysis stage is not installed: report without it
        res.notes.append(f"escalation, deterrence and reciprocity analyses unavailable ({exc})")
        return
    ph = picks["phases"]
    if isinstance(ph, dict):
        ph = ph.get(res.attack_stream) or next(iter(ph.values()), None)
    elif isinstance(ph, list):
        ph = ph[0] if ph else None
    def attempt(what: str, run: Callable[[], Any]) -> Any:
        # one analysis the data cannot carry (a 13-day window has no phases of 7 days) is
        # left out with its reason; the brief goes on with the others
        try:
            return run()
        except RedlineError as exc:
            res.diagnostics.add("analysis.not_run", f"no {what}: {exc.reason}")
            return None
    res.phases = ph if ph is not None and hasattr(ph, "segments") else attempt(
        "escalation phases", lambda: detect_phases(store, case, res.attack_stream))
    det = picks["deterrence"]
    res.deterrence = det if det is not None and hasattr(det, "rates") else attempt(
        "deterrence windows", lambda: deterrence(store, case, fit_model=True, fits=fits))
    rec = picks["reciprocity"]
    if isinstance(rec, (list, tuple)) and rec and hasattr(rec[0], "by_k"):
        res.reciprocity = list(rec)
    else:
        found = [attempt(f"tit-for-tat of {a_} and {b_}", partial(reciprocity, store, case, a_, b_))
                 for a_, b_ in default_pairs(case)]
        res.reciprocity = [r for r in found if r is not None]


def _load_scenario(case: Case, scenario: str | Path):
    """A scenario file, or the name of one of the case's (or any built-in) scenarios."""
    from redline.scenarios.spec import find_scenario, load_scenario
    path = Path(scenario)
    if not path.exists():
        own = case.scenarios_dir / f"{scenario}.yaml" if case.scenarios_dir else None
        path = own if own is not None and own.exists() else find_scenario(scenario)
    spec, _ = load_scenario(path)
    return spec


# ------------------------------------------------------------------ the brief

@dataclass
class Brief:
    """A composed brief: its HTML, the judgments and sources it states, and the results."""

    html: str
    judgments: list[J.Judgment]
    sources: SourceList
    results: BriefResults
    seconds: float = 0.0

    def write_html(self, path: str | Path) -> Path:
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(self.html, encoding="utf-8")
        return path

    def write_pdf(self, path: str | Path) -> Path:
        """The same brief as PDF (WeasyPrint)."""
        from redline.extras import require
        require("pdf")  # WeasyPrint is the [pdf] extra
        from weasyprint import HTML
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        import logging
        logging.getLogger("weasyprint").setLevel(logging.ERROR)
        logging.getLogger("fontTools").setLevel(logging.ERROR)
        HTML(string=self.html, base_url=None, url_fetcher=_no_fetch).write_pdf(str(path))
        return path


def _no_fetch(url: str, *args, **kwargs):
    """WeasyPrint must not fetch anything: the brief is self-contained."""
    if url.startswith("data:"):
        from weasyprint.urls import default_url_fetcher
        return default_url_fetcher(url)
    raise ReportError(f"the brief refers to an external resource: {url}")


def _env() -> Environment:
    env = Environment(loader=PackageLoader("redline.reports", "templates"),
                      autoescape=select_autoescape(["html", "j2"]), trim_blocks=True,
                      lstrip_blocks=True)
    env.filters["svg"] = lambda spec: Markup(charts.render_svg(spec)) if spec else ""
    return env


def _font_css() -> Markup:
    out = []
    for weight, name in (("normal", "DejaVuSans-subset.ttf"), ("bold", "DejaVuSans-Bold-subset.ttf")):
        data = (charts.assets_dir() / name).read_bytes()
        b64 = base64.b64encode(data).decode("ascii")
        out.append(f"@font-face {{ font-family: 'DejaVu Sans'; font-weight: {weight}; "
                   f"src: url(data:font/ttf;base64,{b64}) format('truetype'); }}")
    return Markup("\n".join(out))


def select_judgments(res: BriefResults, withheld: list[dict[str, str]] | None = None
                     ) -> list[J.Judgment]:
    """5-8 key judgments from the results, most important first.

    A judgment whose result failed a guard is not stated; it is appended to
    ``withheld`` as ``{"what": ..., "why": ...}`` for the section "What the data
    cannot tell".
    """
    from redline.reports.guards import guarded_judgments
    cands, held = guarded_judgments(res)
    if withheld is not None:
        withheld.extend(held)
    cands.sort(key=lambda j: j.priority)
    return cands[:J.MAX_JUDGMENTS]


def build_brief(res: BriefResults, title: str | None = None) -> Brief:
    """Compose the brief from computed results (see :func:`compute_results`)."""
    t0 = time.perf_counter()
    src = SourceList(grades=case_grades(res.case))
    withheld: list[dict[str, str]] = []
    judgments = select_judgments(res, withheld)
    key = [{"key": j.key, "html": j.html(src), "section": j.section, "basis": j.basis, "how": j.method}
           for j in judgments]
    ctx: dict[str, Any] = {
        "case": res.case, "title": title or res.case.title, "judgments": key,
        "generated": dt.datetime.now().strftime("%-d %b %Y %H:%M"),
        "what": sections.what_happened_section(res, src),
        "who": sections.who_section(res, src),
        "dyn": sections.dynamics_section(res, src),
        "sections": SECTION_IDS, "notes": res.notes,
    }
    if res.scenario_result is not None:
        from redline.reports.implications import implications_section
        ctx["imp"] = implications_section(res, src)
    else:
        ctx["imp"] = None
    ctx["method"] = sections.method_section(res, src)
    ctx["limits"] = limitations(res)
    from redline.reports.guards import cannot_tell_section
    ctx["cannot"] = cannot_tell_section(res, withheld)
    ctx["documents"] = src.documents
    ctx["links"] = src.links
    ctx["sources"] = src.sources
    ctx["reliability_note"] = RELIABILITY_NOTE
    ctx["glossary"] = glossary_entries()
    ctx["font_css"] = _font_css()
    ctx["timings"] = res.timings
    html = _env().get_template("brief.html.j2").render(**ctx)
    return Brief(html, judgments, src, res, time.perf_counter() - t0)


def limitations(res: BriefResults) -> list[str]:
    """What the numbers cannot show, stated from the results where possible."""
    out = []
    if res.coverage:
        c = res.coverage
        out.append(f"The store holds {c['store']} of the {c['published_min']}–{c['published_max']} "
                   f"attacks published by {J.fmt_date(c['date'])}: rates and counts are lower "
                   "bounds, and days with unrecorded attacks look calmer than they were.")
    out.append("Rates before and after a wave of responses are associations: responses answer "
               "surges, so "
               "rates tend to fall afterwards even without any effect (regression to the mean), "
               "and suspensions, talks and truces in the same weeks are confounded with them.")
    out.append("The model sees daily counts only: it cannot tell an attack that failed from one "
               "that killed, who decided an attack, or what the actors said to each other in "
               "private.")
    if res.residuals is not None and (res.residuals["ks_pvalue"] < 0.05).any():
        out.append("The residual check rejects the model for at least one stream: read its "
                   "intervals as too narrow.")
    if res.coupling is not None and (res.coupling["verdict"] == "unclear").any():
        out.append("Where a coupling interval spans zero the data cannot say whether one side "
                   "provokes or deters the other; the point estimate alone means little.")
    if res.scenario_result is None:
        out.append("No scenario was given, so this brief says nothing about the options and their "
                   "implications (run `redline brief CASE --scenario NAME`).")
    else:
        out.append("Scenario outcomes are conditional on the fitted model and on every assumption "
                   "listed above; they are not forecasts of what any actor will do.")
    return out


def write_brief(store, case: str, scenario: str | None = None, output: str | Path = "brief.html",
                pdf: str | Path | None = None, n_paths: int = 10_000, seed: int = 1,
                progress: Progress | None = None) -> Brief:
    """Compute, compose and write a brief; returns it (``brief.html`` is written)."""
    res = compute_results(store, case, scenario, n_paths=n_paths, seed=seed, progress=progress)
    if progress:
        progress("writing the brief")
    brief = build_brief(res)
    brief.write_html(output)
    if pdf is not None:
        if progress:
            progress("writing the PDF")
        brief.write_pdf(pdf)
    return brief
