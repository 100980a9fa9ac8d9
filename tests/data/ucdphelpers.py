"""Small UCDP GED files for tests, written row by row from the codebook's columns."""

from __future__ import annotations

import csv
import gzip
import io
from pathlib import Path

#: The 41-column layout of the Syria release (19.1 codebook), in file order.
SYRIA_COLUMNS = (
    "id,year,active_year,type_of_violence,conflict_new_id,conflict_name,dyad_new_id,dyad_name,"
    "side_a_new_id,side_a,side_b_new_id,gwnob,side_b,number_of_sources,source_article,"
    "source_office,source_date,source_headline,source_original,where_prec,where_coordinates,"
    "adm_1,adm_2,latitude,longitude,geom_wkt,priogrid_gid,country,country_id,region,"
    "event_clarity,date_prec,date_start,date_end,deaths_a,deaths_b,deaths_civilians,"
    "deaths_unknown,low,best,high").split(",")
REDUCED_COLUMNS = ("id,date,year,month,day,country,type_of_violence,conflict_name,side_a,side_b,"
                   "latitude,longitude,low_death,best_death,high_death").split(",")


def ged_row(**values) -> dict[str, str]:
    """A full-layout row: a one-day state-based event unless ``values`` say otherwise.
    Numbers as floats, as the repackaged copies write them."""
    row = {c: "" for c in SYRIA_COLUMNS}
    row.update(id="1.0", year="2016.0", type_of_violence="1.0", side_a="Government of Syria",
               side_b="Syrian insurgents", where_prec="1.0", where_coordinates="Town A",
               latitude="35.0", longitude="36.5", country="Syria", date_prec="1.0",
               date_start="2016-01-01", date_end="2016-01-01", deaths_a="1.0", deaths_b="2.0",
               deaths_civilians="0.0", deaths_unknown="0.0", low="3.0", best="3.0", high="5.0",
               source_article='"SOHR,2016-01-01,Clashes in Town A"', source_headline="Clashes in Town A",
               conflict_name="Syria: Government")
    row.update({k: str(v) for k, v in values.items()})
    return row


def write_csv(path: Path, columns, rows, gz: bool = False) -> Path:
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=list(columns), lineterminator="\n")
    w.writeheader()
    w.writerows(rows)
    data = buf.getvalue().encode("utf-8")
    path.write_bytes(gzip.compress(data) if gz else data)
    return path
