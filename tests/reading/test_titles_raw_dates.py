"""Details a user reading the output noticed: titles, raw names, dates in PLOVER."""

import datetime as dt

from redline.reading import read_text, to_plover

TEXT = ("US Strikes Against Iran-backed Militant Groups Escalate\n\n"
        "The United States struck Iran-backed militant groups in Iraq on Friday.")


def test_a_title_line_is_not_coded_twice():
    recs = read_text(TEXT, date="2024-02-04")
    assert len(recs) == 1
    assert recs[0].sentence.startswith("The United States")


def test_raw_names_are_the_document_characters():
    rec = read_text(TEXT, date="2024-02-04")[0]
    assert rec.recipient_raw == "Iran-backed militant groups"
    a, b = rec.spans["recipient"]
    assert TEXT[a:b] == rec.recipient_raw


def test_plover_dates_fall_back_to_the_article_date_and_say_so():
    undated = read_text("The Pentagon condemned the attack.", date="2024-02-09")
    obj = to_plover(undated)[0]
    assert obj["date"] == "2024-02-09" and obj["date_precision"] == "week"
    assert obj["date_source"] == "document"
    dated = to_plover(read_text(TEXT, date="2024-02-04"))[0]
    assert dated["date_source"] == "sentence" and dated["date"] == str(dt.date(2024, 2, 2))
