"""Data Docs work offline: every page and stylesheet loads its assets from beside it, and each of them is there."""

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from contracts.expectations import offline, validate
from tests.contracts.test_expectations import SMALL, SMALL_COUNTS, small_frames

pytestmark = pytest.mark.skipif(bool(offline.missing()), reason="the Data Docs' assets are not installed: run `npm ci`")

CSS_URL = re.compile(r"""url\(\s*['"]?([^'")]+)['"]?\s*\)""")


class _Assets(HTMLParser):
    """What a page loads: script and img sources, link hrefs, and url(...) in its inline styles."""

    def __init__(self):
        super().__init__()
        self.found, self._in_style = [], False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in ("script", "img") and attrs.get("src"):
            self.found.append(attrs["src"])
        if tag == "link" and attrs.get("href"):
            self.found.append(attrs["href"])
        self._in_style = tag == "style"

    def handle_endtag(self, tag):
        self._in_style = False

    def handle_data(self, data):
        if self._in_style:
            self.found += CSS_URL.findall(data)


def assets(path: Path) -> list[str]:
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".css":
        found = CSS_URL.findall(text)
    else:
        parser = _Assets()
        parser.feed(text)
        found = parser.found
    return [a for a in found if not a.startswith(("data:", "#"))]


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    out = tmp_path_factory.mktemp("out")
    validate("preupload", small_frames(), SMALL_COUNTS, out, tables=SMALL, run_name="first")
    return validate("live", small_frames(), SMALL_COUNTS, out, tables=SMALL, run_name="first").docs_index.parent


def test_no_page_or_stylesheet_loads_anything_from_the_internet(site):
    pages = [*site.rglob("*.html"), *site.rglob("*.css")]
    assert len([p for p in pages if p.suffix == ".html"]) > 2 * len(SMALL), "index, suites and both stages' results"
    remote = {(str(p.relative_to(site)), a) for p in pages for a in assets(p) if re.match(r"(https?:)?//", a)}
    assert remote == set()


def test_every_asset_a_page_names_is_beside_it(site):
    pages = [*site.rglob("*.html"), *site.rglob("*.css")]
    named = {(p, a.split("?")[0].split("#")[0]) for p in pages for a in assets(p)}
    assert any("static/vendor/" in a for _, a in named)
    assert [(str(p.relative_to(site)), a) for p, a in named if not (p.parent / a).is_file()] == []


def test_a_second_build_changes_no_page(site):
    before = {p: p.read_bytes() for p in site.rglob("*.html")}
    assert offline.make_offline(site)
    assert {p: p.read_bytes() for p in site.rglob("*.html")} == before


def test_without_the_npm_packages_the_pages_stay_as_gx_wrote_them(tmp_path):
    page = tmp_path / "index.html"
    page.write_text('<script src="https://code.jquery.com/jquery-3.7.1.min.js"></script>', encoding="utf-8")
    assert not offline.make_offline(tmp_path, node_modules=tmp_path / "node_modules")
    assert "https://code.jquery.com/" in page.read_text(encoding="utf-8")
