"""Text -> coded events: rules, dictionaries (data files) and an offline gazetteer.

Public API::

    read_text(text, date=None, case=None, document="<text>") -> list[EventRecord]
    read_paths(paths, date=None, case=None) -> list[EventRecord]
    to_frame(records) -> DataFrame
    to_plover(records) -> list[dict]           # PLOVER/POLECAT JSON objects
    records_to_events(records, document_id) -> DataFrame   # store columns
    evaluate(gold_path, case=None) -> DataFrame             # per-field P/R/F1
    evaluate_devset(path, case=None) -> DataFrame           # pentacode .tsv / PETRARCH-2 .xml, one label per sentence

See docs/reading.md.
"""

from redline.reading.devsets import evaluate_devset
from redline.reading.evaluate import evaluate, load_gold
from redline.reading.reader import read_paths, read_text, split_sentences
from redline.reading.records import EventRecord, records_to_events, to_frame, to_plover

__all__ = ["read_text", "read_paths", "split_sentences", "EventRecord", "to_frame", "to_plover",
           "records_to_events", "evaluate", "evaluate_devset", "load_gold"]
