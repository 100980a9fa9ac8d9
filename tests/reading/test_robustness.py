"""Random and adversarial input: never a crash, never a hang; clear errors for bad files."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from redline.errors import EncodingError, ReadingError
from redline.reading import read_paths, read_text, split_sentences
from redline.reading.reader import MAX_SENTENCE_CHARS

WORDS = ["Iran", "US", "attacked", "drone", "killed", "three", "in", "Baghdad", "the", "strikes",
         "on", "Tower", "22", ",", ".", "not", "by", "Kata'ib", "Hezbollah", "warned", "yesterday",
         "40", "injured", "Iran-backed", "militias", "'s", "\u202e", "\u0628\u063a\u062f\u0627\u062f",
         "\u4e2d\u6587", "-", "(", ")", ";", "that", "which", "January", "28"]


def _check(records, text):
    for r in records:
        assert 0.0 <= r.confidence <= 1.0
        for s, e in r.spans.values():
            assert 0 <= s <= e <= len(text)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=400))
def test_any_unicode_text(text):
    _check(read_text(text), text)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from(WORDS), max_size=80).map(" ".join))
def test_word_salad_from_the_dictionaries(text):
    _check(read_text(text, date="2024-02-09"), text)


def test_empty_and_whitespace():
    assert read_text("") == []
    assert read_text(" \n\t ") == []


def test_non_str_input_is_a_reading_error():
    with pytest.raises(ReadingError):
        read_text(b"bytes")  # type: ignore[arg-type]


def test_megabyte_single_line_is_bounded(monkeypatch):
    """Work per sentence is bounded (no timing here: speed is measured in bench/read.py):
    a one-megabyte line without a newline is cut into sentences of at most
    MAX_SENTENCE_CHARS characters, each coded from at most MAX_TOKENS tokens."""
    import redline.reading.reader as reader_mod
    from redline.reading.coder import MAX_TOKENS

    seen: list[int] = []
    real = reader_mod.code_sentence

    def spy(sent, lex, state):
        seen.append(len(sent.lower))
        return real(sent, lex, state)

    monkeypatch.setattr(reader_mod, "code_sentence", spy)
    filler = "officials in the region said that talks on the budget went on for hours and "
    block = filler * 20 + "Iran-backed militias attacked US forces at Tower 22 "
    text = (block * (1_000_000 // len(block) + 1))[:1_000_000]
    assert "\n" not in text and len(text) == 1_000_000
    recs = read_text(text)
    assert recs and all(e - s <= MAX_SENTENCE_CHARS for s, e in (r.spans["sentence"] for r in recs))
    assert len(seen) >= 1_000_000 // MAX_SENTENCE_CHARS and max(seen) <= MAX_TOKENS


def test_sentences_are_bounded():
    spans = split_sentences("x" * 10_000)
    assert all(e - s <= MAX_SENTENCE_CHARS for s, e in spans)
    assert sum(e - s for s, e in spans) == 10_000


def test_mixed_scripts_and_rtl():
    text = "\u0627\u0644\u0639\u0631\u0627\u0642 US forces were attacked in \u202eBaghdad\u202c by militias. \u4e2d\u6587"
    _check(read_text(text), text)


def test_undecodable_file_names_file_line_and_offset(tmp_path):
    f = tmp_path / "bad.txt"
    f.write_bytes(b"first line\nsecond \xff\xfe line\n")
    with pytest.raises(EncodingError) as err:
        read_paths(f)
    msg = str(err.value)
    assert "bad.txt" in msg and "line 2" in msg and "byte offset 18" in msg


def test_missing_path(tmp_path):
    with pytest.raises(ReadingError):
        read_paths(tmp_path / "nope.txt")


def test_folder_of_text_and_html(tmp_path):
    (tmp_path / "a.txt").write_text("Iran-backed militias attacked US forces in Syria on Sunday.",
                                    encoding="utf-8")
    html = ("<html><head><title>t</title>"
            '<meta property="article:published_time" content="2024-02-09"></head><body>'
            "<nav>Home | World</nav><article><h1>Strike</h1><p>The United States struck "
            "Kata'ib Hezbollah targets near Al-Qaim on Friday, officials said. "
            "The strikes followed weeks of attacks on US bases in the region and a drone "
            "attack in Jordan.</p></article><footer>Copyright</footer></body></html>")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "b.html").write_text(html, encoding="utf-8")
    recs = read_paths(tmp_path)
    docs = {r.document.rsplit("/", 1)[-1] for r in recs}
    assert docs == {"a.txt", "b.html"}
    strike = [r for r in recs if r.document.endswith("b.html") and r.actor == "united_states"]
    assert strike and strike[0].location == "Al-Qaim"
    # the HTML's own publication date resolves "on Friday"
    assert str(strike[0].date) == "2024-02-09"
    assert not any("Copyright" in r.sentence for r in recs)
