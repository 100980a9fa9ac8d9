"""The brief: sections, generated numbers, citations, self-containment, PDF."""

from __future__ import annotations

import math
import re
from html.parser import HTMLParser

import numpy as np
import pytest

from redline.reports.brief import SECTION_IDS

NUM = re.compile(r'<span class="(?:v|lo|hi|lvl)" data-key="([^"]+)" data-role="(\w+)" data-value="([^"]*)"')


class _Sections(HTMLParser):
    """Text of every top-level <section id=...>."""

    def __init__(self):
        super().__init__()
        self.stack: list[str | None] = []
        self.text: dict[str, list[str]] = {}
        self.ids: set[str] = set()
        self.svgs: dict[str, int] = {}

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if "id" in a:
            self.ids.add(a["id"])
        if tag == "section":
            self.stack.append(a.get("id"))
            self.text.setdefault(a.get("id"), [])
        if tag == "svg" and self.stack:
            self.svgs[self.stack[-1]] = self.svgs.get(self.stack[-1], 0) + 1

    def handle_endtag(self, tag):
        if tag == "section" and self.stack:
            self.stack.pop()

    def handle_data(self, data):
        if self.stack and self.stack[-1]:
            self.text[self.stack[-1]].append(data)


def _parse(html: str) -> _Sections:
    p = _Sections()
    p.feed(html)
    return p


def _values(html: str) -> dict[tuple[str, str], float]:
    return {(k, role): float(v) for k, role, v in NUM.findall(html)}


class _Outside(HTMLParser):
    """Text outside elements of the given classes or tags."""

    def __init__(self, classes, tags):
        super().__init__(convert_charrefs=True)
        self.classes, self.tags, self.depth, self.out = classes, tags, 0, []

    def handle_starttag(self, tag, attrs):
        cls = dict(attrs).get("class") or ""
        if self.depth or tag in self.tags or set(cls.split()) & self.classes:
            self.depth += 1

    def handle_endtag(self, tag):
        if self.depth:
            self.depth -= 1

    def handle_data(self, data):
        if not self.depth:
            self.out.append(data)


def _text_outside(html: str, classes: set[str], tags: set[str]) -> str:
    p = _Outside(classes, tags)
    p.feed(html)
    return " ".join(p.out)


def _judgment_block(html: str) -> str:
    a = html.index('<section id="key-judgments"')
    return html[a:html.index("</section>", a)]


# ------------------------------------------------------------------ sections

def test_every_section_present_and_not_empty(brief):
    p = _parse(brief.html)
    for sid, title in SECTION_IDS.items():
        assert sid in p.text, f"section {sid} missing"
        text = " ".join(p.text[sid])
        assert title in text
        assert len(text.split()) > 40, f"section {sid} is nearly empty"
    # charts drawn as inline SVG where the brief promises them
    assert p.svgs.get("what-happened", 0) >= 2          # timeline + map
    assert p.svgs.get("who", 0) >= 1 and p.svgs.get("dynamics", 0) >= 2
    assert p.svgs.get("implications", 0) >= 2 and p.svgs.get("method", 0) >= 1
    for fig in ("fig-timeline", "fig-map", "fig-network", "fig-coupling", "fig-coverage"):
        assert fig in p.ids


def test_key_judgments_are_5_to_8_and_each_has_number_interval_and_sources(brief, plain_brief):
    for b in (brief, plain_brief):
        assert 5 <= len(b.judgments) <= 8
        block = _judgment_block(b.html)
        items = re.findall(r'<li data-judgment="[^"]+">(.*?)</li>\n', block, re.S)
        assert len(items) == len(b.judgments)
        for j, item in zip(b.judgments, items):
            assert 'data-role="value"' in item, j.key
            assert any(q.has_interval for q in j.quantities), f"{j.key} states no interval"
            assert 'data-role="low"' in item and 'data-role="high"' in item, j.key
            assert 'class="cite"' in item, f"{j.key} cites no source"


def test_every_number_in_the_judgments_is_a_computed_quantity(brief, plain_brief):
    """Strip marked numbers, dates, citations and data labels: no digit may be left."""
    for b in (brief, plain_brief):
        text = _judgment_block(b.html)
        text = _text_outside(text, {"q", "cites"}, {"time"})
        res = b.results
        labels = list(res.labels.values()) + [c.name.replace("_", " ") for c in res.case.covariates]
        labels += [res.covariate_phrase(c.name) for c in res.case.covariates]
        if res.scenario is not None:
            labels += [o.label for o in res.scenario.options] + [m.label for m in res.scenario.metrics]
            labels += [ob.label for mv in res.scenario.motives for ob in mv.objectives]
        for lab in sorted(labels, key=len, reverse=True):
            text = text.replace(lab, " ").replace(lab[:1].lower() + lab[1:], " ")
        text = text.replace("95%", "").replace("90%", "")  # the note on interval levels
        assert not re.search(r"\d", text), re.findall(r".{0,50}\d.{0,30}", text, re.S)


def test_judgment_numbers_equal_the_objects_that_computed_them(brief, store):
    """Parse data-value back from the HTML and compare with the result objects."""
    from redline.data.filters import EventFilter
    from redline.reports.judgments import skill_bootstrap
    vals = _values(brief.html)
    res = brief.results
    checked = 0
    for j in brief.judgments:
        for q in j.quantities:
            v = vals[(q.key, "value")]
            assert v == q.value or (math.isnan(v) and math.isnan(q.value))
            if q.has_interval:
                assert vals[(q.key, "low")] == q.low and vals[(q.key, "high")] == q.high
    for (key, role), v in vals.items():
        parts = key.split(".")
        exp = None
        if parts[0] == "deterrence" and parts[-1] in ("rate_ratio", "attacks_after", "attacks_before",
                                                      "p_holm"):
            wave, w = int(parts[1][4:]), int(parts[2][1:])
            row = res.deterrence.rates.query("wave == @wave and window_days == @w").iloc[0]
            # the judgment states the negative binomial interval (clustered attacks)
            col = {"rate_ratio": {"value": "rate_ratio", "low": "nb_low", "high": "nb_high"}.get(role),
                   "attacks_after": "attacks_after", "attacks_before": "attacks_before",
                   "p_holm": "p_holm"}[parts[-1]]
            exp = row[col] if col else None
        elif parts[0] == "coupling" and role in ("value", "low", "high"):
            row = res.coupling.query("source == @parts[1] and target == @parts[2]").iloc[0]
            if parts[3] == "extra_events":
                # the coupling's interval mapped end to end into events (a monotone map)
                from redline.reports.units import extra_events
                m = res.fit.model
                names = list(m.stream_names_)
                b = float(m.baseline_[names.index(parts[2])])
                k = float(m.decay_[names.index(parts[1])])
                a = {"value": row.effect, "low": row.low, "high": row.high}[role]
                exp = extra_events(a, b, k, m.link)
            else:
                exp = {"effect": {"value": row.effect, "low": row.low, "high": row.high},
                       "half_life": {"value": row.half_life_days}}[parts[3]].get(role)
        elif parts[0] == "phases" and parts[-1] in ("peak_rate", "last_rate"):
            seg = res.phases.segments
            row = seg.iloc[int(seg["rate_per_day"].to_numpy().argmax())] if parts[-1] == "peak_rate" else seg.iloc[-1]
            exp = {"value": row.rate_per_day, "low": row.rate_low, "high": row.rate_high}.get(role)
        elif parts[0] == "backtest" and parts[-1] == "skill" and parts[1] == "daily-hawkes":
            s = res.backtest.summary.query("model == 'daily-hawkes' and metric == 'crps'").iloc[0]
            lo, hi = skill_bootstrap(res.backtest.scores, "daily-hawkes", res.backtest.reference, "crps")
            exp = {"value": s.skill, "low": lo, "high": hi}.get(role)
        elif parts[0] == "coverage" and parts[1] == "store":
            f = EventFilter.from_stream(res.case.stream(res.attack_stream), res.case.start,
                                        res.coverage["date"].date())
            exp = store.count(f)
        elif parts[0] == "scenario" and parts[1] == "ranking" and parts[-1] == "score":
            top = res.scenario_result.ranking[0]
            exp = {"value": top["score"], "low": top["low"], "high": top["high"]}.get(role)
        elif parts[0] == "scenario" and parts[1] == "ranking" and parts[-1] == "p_first_weights":
            exp = res.scenario_result.sensitivity["p_first"][parts[2]]
        elif parts[0] == "scenario" and parts[1] == "ranking" and parts[-1] == "p_first_parameters":
            exp = next(x["p_first_parameters"] for x in res.scenario_result.ranking if x["option"] == parts[2])
        elif (parts[0] == "scenario" and parts[1].startswith("p_pause") and role in ("value", "low", "high")
              and parts[2] in {o["id"] for o in res.scenario_result.options}):
            opt = next(o for o in res.scenario_result.options if o["id"] == parts[2])
            d = opt["outcomes"][parts[1]]
            exp = {"value": d["headline"], "low": d["headline_interval"][0],
                   "high": d["headline_interval"][1]}[role]
            assert d["headline_interval"][0] <= d["headline"] <= d["headline_interval"][1]
        elif parts[0] == "scenario" and parts[1] == "backtest" and parts[2] in ("median", "observed"):
            bt = res.scenario_result.backtest
            exp = (bt["observed"] if parts[2] == "observed" else
                   {"value": bt["simulated"]["quantiles"]["q50"], "low": bt["simulated"]["quantiles"]["q05"],
                    "high": bt["simulated"]["quantiles"]["q95"]}.get(role))
        if exp is not None:
            assert v == pytest.approx(float(exp), rel=1e-12, abs=1e-12), (key, role)
            checked += 1
    assert checked >= 12


# ----------------------------------------------------------------- citations

def test_every_citation_resolves_to_a_listed_source(brief, plain_brief):
    for b in (brief, plain_brief):
        html = b.html
        anchors = set(re.findall(r'<li id="(src-\d+)"', html))
        cited = set(re.findall(r'href="#(src-\d+)"', html))
        assert cited and cited <= anchors, sorted(cited - anchors)[:5]
        # a range [2–27] links to its first source and names the rest in data-cite
        for first, last in re.findall(r'data-cite="(\d+)-(\d+)"', html):
            assert int(first) + 2 <= int(last)
            cited |= {f"src-{n}" for n in range(int(first), int(last) + 1)}
        assert anchors == {f"src-{s.number}" for s in b.sources.sources}
        assert anchors <= cited, "a listed source is cited nowhere"
        # sources of events, ties, covariates and motives are all there
        res = b.results
        refs = {s.ref for s in b.sources.sources}
        assert {r for t in res.case.ties for r in t.sources} <= refs
        assert {r for c in res.case.covariates for r in c.sources} <= refs
        if res.scenario is not None:
            assert {r for m in res.scenario.motives for o in m.objectives for r in o.sources} <= refs
        # seed documents are listed as documents, not links
        docs = [s for s in b.sources.documents if s.ref.startswith("seed:")]
        assert docs and all(f'href="{d.ref}"' not in html for d in docs)


def test_the_html_loads_no_external_asset(brief):
    html = brief.html
    assert not re.search(r"""\ssrc\s*=\s*["']?(?!data:)""", html), "an element loads a src"
    for u in re.findall(r"url\(\s*['\"]?([^'\")]+)", html):
        assert u.startswith(("data:", "#")), u
    assert not re.search(r"<link\b[^>]*href", html)
    assert not re.search(r"@import", html)
    sources = html.index('<ol class="sources">')
    outside = html[:sources] + html[html.index("</ol>", sources):]
    assert not re.search(r"""href\s*=\s*["']?(https?:)?//""", outside), "external link outside Sources"
    assert "xlink:href=\"http" not in html


# ----------------------------------------------------------- without scenario

def test_a_case_without_scenario_gets_a_brief_that_says_so(plain_brief):
    p = _parse(plain_brief.html)
    assert "implications" not in p.text
    for sid in SECTION_IDS:
        if sid != "implications":
            assert sid in p.text
    assert "No scenario was given" in plain_brief.html
    assert not any(j.key.startswith("scenario.") for j in plain_brief.judgments)


def test_write_brief_end_to_end_from_the_cli(store, tmp_path, monkeypatch):
    """`redline brief` writes the file and names it (with a tiny scenario run)."""
    import os
    os.environ.setdefault("COLUMNS", "200")
    from typer.testing import CliRunner
    from redline.cli.app import app, register_commands
    register_commands()
    out = tmp_path / "b.html"
    r = CliRunner().invoke(app, ["--store", str(store.path), "brief", "us-iran-proxies-2023",
                                 "--scenario", "nope-not-a-scenario", "-o", str(out), "--paths", "50"])
    assert r.exit_code != 0 and not out.exists()


# ---------------------------------------------------------------------- PDF

def test_pdf_has_the_same_section_headings(brief, tmp_path):
    pytest.importorskip("weasyprint", reason="PDF output needs WeasyPrint (pip install weasyprint)")
    pypdf = pytest.importorskip("pypdf")
    path = brief.write_pdf(tmp_path / "brief.pdf")
    reader = pypdf.PdfReader(str(path))
    text = "\n".join(page.extract_text() for page in reader.pages)
    flat = re.sub(r"\s+", " ", text)
    for title in SECTION_IDS.values():
        assert title in flat, title
    assert len(reader.pages) >= 6
    def flat_outline(items):
        for o in items:
            yield from (flat_outline(o) if isinstance(o, list) else [o.title])
    outline = list(flat_outline(reader.outline))
    for title in SECTION_IDS.values():
        assert title in outline
    np.testing.assert_equal(len(set(outline) & set(SECTION_IDS.values())), len(SECTION_IDS))


def test_method_section_cites_the_cross_conflict_benchmark(brief):
    import json
    from importlib import resources
    data = json.loads((resources.files("redline.models") / "benchmark_skill.json").read_text())
    row = next(r for r in data["summary"] if r["model"] == "daily-hawkes" and r["horizon"] == 14)
    i = brief.html.index('id="benchmark-skill"')
    para = brief.html[i:brief.html.index("</p>", i)]
    assert f"Across {row['n_units']} units" in para
    assert f"on {100 * row['share_beating_poisson']:.0f}% of units" in para
    assert "UCDP" in para and "CC BY 4.0" in para


def test_citations_fold_runs_into_ranges_and_long_lists_behind_details():
    from redline.reports.sources import citation_markup
    html = str(citation_markup([7, 2, 3, 4, 9, 10, 3]))
    assert re.findall(r">\[([^\]]+)\]<", html) == ["2–4", "7", "9", "10"]
    assert 'data-cite="2-4"' in html and 'href="#src-2"' in html and "more" not in html
    long = str(citation_markup(list(range(1, 101)) + [150, 152, 154, 156, 158, 160], show=6))
    assert re.findall(r">\[([^\]]+)\]<", long)[:2] == ["1–100", "150"]
    assert "+1 more" in long and long.count('class="cite"') == 7
    assert str(citation_markup([])) == ""


def test_no_key_judgment_carries_a_long_list_of_citations(brief):
    block = brief.html[brief.html.index('<section id="key-judgments"'):
                       brief.html.index('<section id="cannot-tell"')]
    for li in block.split("<li")[1:]:
        shown = li.split("<details")[0]
        assert shown.count('class="cite"') <= 6, li[:200]
        assert li.count('class="cite"') <= 20, li[:200]


def test_a_use_citing_hundreds_of_sources_cites_them_as_one_entry():
    from redline.reports.sources import SourceList
    src = SourceList()
    few = str(src.markup([f"https://a.org/{i}" for i in range(5)], use="key event: X"))
    many = str(src.markup([f"https://b.org/{i}" for i in range(400)] + ["", "https://b.org/1"],
                          use="key judgment: phases.x"))
    assert few.count('class="cite"') == 1 and "1–5" in few  # one range
    assert many.count('class="cite"') == 1
    assert len(src) == 6                      # five sources and one collection
    entry = src.sources[-1]
    assert entry.is_collection and entry.reliability == "mixed"
    assert "400 sources" in entry.label and "phases.x" not in entry.label
    assert not entry.is_url and "a key judgment" in entry.label


def test_a_table_cell_cites_a_few_sources_and_counts_the_rest():
    from types import SimpleNamespace as NS

    from redline.reports.sections import _cite
    from redline.reports.sources import SourceList
    res = NS(sources_by_id={f"e{i}": [f"https://x.org/{i}", "https://x.org/shared"]
                            for i in range(10)})
    src = SourceList()
    cell = str(_cite(src, [f"e{i}" for i in range(10)], res, "escalation phases", 3))
    assert cell.count('class="cite"') == 1 and "+8 more in the events file" in cell
    assert len(src) == 3                     # only what the cell shows is listed
    assert "more in the events file" not in str(_cite(src, ["e0"], res, "x", 3))


def test_actors_without_ties_are_laid_out_in_a_grid_with_short_labels():
    """A case fresh from `case init` has no ties: its 25 actors sat in one column, their
    labels on top of each other."""
    from types import SimpleNamespace as NS

    from redline.reports.sections import network_layout
    actors = [NS(id=f"a{i}", name=f"Armed group number {i} of the northern provinces",
                 kind="armed_group", aliases=["NG"] if i == 3 else []) for i in range(25)]
    actors.append(NS(id="x", name="Unknown gunmen (unattributed)", kind="unattributed", aliases=[]))
    nodes, edges = network_layout(NS(actors=actors, ties=[]))
    assert not edges and len(nodes) == 26
    rows = {round(n["y"], 6) for n in nodes}
    assert 3 <= len(rows) <= 8
    assert len({(round(n["x"], 6), round(n["y"], 6)) for n in nodes}) == 26
    short = {n["id"]: n["short"] for n in nodes}
    assert all(len(s) <= 26 for s in short.values())
    # "NG" does not spell the name: no acronym, an ellipsis
    assert short["a3"].endswith("…") and short["a4"].endswith("…")
    assert short["x"] == "Unknown gunmen*"


def test_a_node_label_takes_an_acronym_only_when_it_spells_the_name():
    """Aliases also hold member groups: "Other Syrian opposition groups" was drawn as "HTS"."""
    from types import SimpleNamespace as NS

    from redline.reports.sections import _short
    pmf = NS(name="Popular Mobilization Forces of the south", kind="armed_group",
             aliases=["PMFS", "PMF"])
    other = NS(name="Other Syrian opposition groups and allies", kind="armed_group",
               aliases=["HTS", "FSA"])
    kss = NS(name="Kata'ib Sayyid al-Shuhada of the north", kind="armed_group", aliases=["KSSN"])
    assert _short(pmf) == "PMFS" and _short(kss) == "KSSN"
    assert _short(other).endswith("…") and "HTS" not in _short(other)


def test_a_timeline_of_many_streams_draws_every_panel():
    from redline.reports.charts import timeline_spec
    daily = [{"date": "2030-01-0%d" % (d + 1), "stream": f"s{k}", "count": 1}
             for k in range(9) for d in range(3)]
    spec = timeline_spec(daily, {f"s{k}": f"Stream {k}" for k in range(9)}, [])
    assert len(spec["vconcat"]) == 9


def test_a_tit_for_tat_without_any_action_states_nothing():
    from types import SimpleNamespace as NS

    import numpy as np
    import pandas as pd

    from redline.reports.judgments import reciprocity_judgment
    bk = pd.DataFrame({"k": [1, 3], "n_actions": [0, 0], "observed": [np.nan, np.nan],
                       "chance": [np.nan, np.nan], "p_value": [np.nan, np.nan],
                       "action_ids": [[], []]})
    assert reciprocity_judgment(NS(by_k=bk, action="a", reaction="b"), {}, {}) is None
