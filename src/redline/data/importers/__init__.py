"""Importers for the formats analysts have; importing this registers them all."""

from redline.data.importers import acled, case, gdelt, icews, plover, redline_csv, ucdp  # noqa: F401,E402  (registration)  # noqa: F401,E402  (registration)
from redline.data.importers.base import FORMATS, Importer, importer_for, sniff_format

__all__ = ["FORMATS", "Importer", "importer_for", "sniff_format"]
