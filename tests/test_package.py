"""The package surface: public names, lazy loading, and the extras' install hints."""

import subprocess
import sys

import pytest

import redline
from redline.errors import MissingExtraError, RedlineError
from redline.extras import EXTRAS, missing_modules, require


def test_every_public_name_resolves():
    for name in redline.__all__:
        assert getattr(redline, name) is not None, name


def test_read_text_is_exported_from_the_top():
    from redline.reading import read_text
    assert redline.read_text is read_text


def test_cli_start_does_not_import_the_heavy_stack():
    code = ("import sys, redline.cli; "
            "print(','.join(m for m in ('numba', 'spacy', 'fastapi', 'weasyprint') "
            "if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_missing_extra_names_the_install_line(monkeypatch):
    import importlib.util
    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec",
                        lambda name, *a: None if name == "weasyprint" else real(name, *a))
    assert missing_modules("pdf") == ["weasyprint"]
    with pytest.raises(MissingExtraError) as exc:
        require("pdf")
    assert isinstance(exc.value, RedlineError) and isinstance(exc.value, ImportError)
    assert "pip install 'redline[pdf]'" in str(exc.value)


@pytest.mark.parametrize("extra", sorted(EXTRAS))
def test_installed_test_environment_has_every_extra(extra):
    # `make test` installs redline[test], which pulls redline[all]
    assert missing_modules(extra) == []
    require(extra)
