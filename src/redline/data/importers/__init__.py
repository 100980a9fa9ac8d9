"""Importers for the formats analysts have; importing this registers them all."""

from redline.data.importers.base import FORMATS, Importer, importer_for, sniff_format
from redline.data.importers import case, redline_csv  # noqa: F401,E402  (registration)
from redline.data.importers import acled, gdelt, icews, plover, ucdp  # noqa: F401,E402  (registration)

__all__ = ["FORMATS", "Importer", "importer_for", "sniff_format"]
