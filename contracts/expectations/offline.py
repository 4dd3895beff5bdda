"""Data Docs that work offline: the pages load GX's CSS, JavaScript and logo from beside them, not from CDNs.

GX's page templates name their assets by public URL, and its renderer has no
setting for where they come from (custom views are looked up only after its
own templates). The same libraries, pinned in package.json (`npm ci`), are
therefore copied once from node_modules/ into the site's `static/vendor/`, and
every page (and GX's default stylesheet, which it copies again at each build)
is rewritten to name them, and GX's own static files, by their path from it.
"""

from __future__ import annotations

import filecmp
import os
import re
import shutil
from pathlib import Path

# node_modules/ lives beside package.json, at the root of the repository (the parent of contracts/).
NODE_MODULES = Path(__file__).resolve().parents[2] / "node_modules"
VENDOR = Path("static", "vendor")

# Each URL GX's templates load, and the file of node_modules/ that serves it. bootstrap 4.3.1 wants popper.js
# 1.14.7 or later, so popper is the last 1.x rather than the 1.12.9 GX names; bootstrap-table's filter-control
# stylesheets GX names at 1.19.0 come from the same 1.19.1 as its scripts.
ASSETS = {
    "https://cdn.jsdelivr.net/npm/vega@5": "vega/build/vega.min.js",
    "https://cdn.jsdelivr.net/npm/vega-lite@5": "vega-lite/build/vega-lite.min.js",
    "https://cdn.jsdelivr.net/npm/vega-embed@6": "vega-embed/build/vega-embed.min.js",
    "https://cdnjs.cloudflare.com/ajax/libs/font-awesome/6.6.0/css/all.min.css": "@fortawesome/fontawesome-free/css/all.min.css",
    "https://code.jquery.com/jquery-3.7.1.min.js": "jquery/dist/jquery.min.js",
    "https://cdnjs.cloudflare.com/ajax/libs/popper.js/1.12.9/umd/popper.min.js": "popper.js/dist/umd/popper.min.js",
    "https://stackpath.bootstrapcdn.com/bootstrap/4.3.1/js/bootstrap.min.js": "bootstrap/dist/js/bootstrap.min.js",
    "https://maxcdn.bootstrapcdn.com/bootstrap/4.3.1/css/bootstrap.min.css": "bootstrap/dist/css/bootstrap.min.css",
    "https://unpkg.com/bootstrap-table@1.19.1/dist/bootstrap-table.min.js": "bootstrap-table/dist/bootstrap-table.min.js",
    "https://unpkg.com/bootstrap-table@1.19.1/dist/bootstrap-table.min.css": "bootstrap-table/dist/bootstrap-table.min.css",
    "https://unpkg.com/bootstrap-table@1.19.1/dist/extensions/filter-control/bootstrap-table-filter-control.min.js": "bootstrap-table/dist/extensions/filter-control/bootstrap-table-filter-control.min.js",
    "https://unpkg.com/bootstrap-table@1.19.0/dist/extensions/filter-control/bootstrap-table-filter-control.css": "bootstrap-table/dist/extensions/filter-control/bootstrap-table-filter-control.css",
    "https://unpkg.com/bootstrap-table@1.19.0/dist/extensions/filter-control/bootstrap-table-filter-control.min.css": "bootstrap-table/dist/extensions/filter-control/bootstrap-table-filter-control.min.css",
    "https://cdnjs.cloudflare.com/ajax/libs/bootstrap-datepicker/1.9.0/js/bootstrap-datepicker.min.js": "bootstrap-datepicker/dist/js/bootstrap-datepicker.min.js",
    "https://cdnjs.cloudflare.com/ajax/libs/bootstrap-datepicker/1.9.0/css/bootstrap-datepicker.min.css": "bootstrap-datepicker/dist/css/bootstrap-datepicker.min.css",
    "https://cdn.jsdelivr.net/npm/@forevolve/bootstrap-dark@1.1.0/dist/css/bootstrap-prefers-dark.css": "@forevolve/bootstrap-dark/dist/css/bootstrap-prefers-dark.css",
}
# What a vendored file loads by relative path in its turn: Font Awesome's stylesheet, its fonts.
BESIDE = ("@fortawesome/fontawesome-free/webfonts",)
# GX's logos on S3 (the navbar's carries the time and the project's id as a query): its own copy, which every
# build writes under static/images/, serves both.
LOGO = re.compile(r"https://great-expectations-web-assets\.s3\.[a-z0-9-]+\.amazonaws\.com/[\w-]+\.png[^\"')]*")
LOCAL_LOGO = Path("static", "images", "logo-long.png")
# A page's link into the site's static/ folder: GX counts one folder too few for a validation result's favicon.
LOCAL = re.compile(r'"(?:\.\.?/)*(static/[^"]+)"')
# Hashes of the CDN's copies, which a local file need not match, and a CORS mode that file:// pages cannot use.
INTEGRITY = re.compile(r'\s+integrity="[^"]*"\s+crossorigin="anonymous"')
STYLESHEET = Path("static", "styles", "data_docs_default_styles.css")


def missing(node_modules: Path = NODE_MODULES) -> list[str]:
    """The files of ASSETS and BESIDE not found in `node_modules` (nothing once `npm ci` has run)."""
    return [name for name in (*ASSETS.values(), *BESIDE) if not (node_modules / name).exists()]


def make_offline(site: Path, node_modules: Path = NODE_MODULES) -> bool:
    """Copy the assets into `site`'s static/vendor/ and point its pages at them; False (pages as GX wrote them) without them."""
    if missing(node_modules):
        return False
    _copy_vendor(node_modules, site / VENDOR)
    for page in [site / STYLESHEET, *site.rglob("*.html")]:
        text = page.read_text(encoding="utf-8")
        offline = _rewrite(text, site, page.parent)
        if offline != text:
            page.write_text(offline, encoding="utf-8")
    return True


def _copy_vendor(node_modules: Path, vendor: Path) -> None:
    """Copy what is missing or changed: the files keep their node_modules paths, so relative links between them hold."""
    files = [node_modules / name for name in ASSETS.values()]
    files += [f for folder in BESIDE for f in (node_modules / folder).rglob("*") if f.is_file()]
    for source in files:
        target = vendor / source.relative_to(node_modules)
        if not target.is_file() or not filecmp.cmp(source, target):
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)


def _rewrite(text: str, site: Path, folder: Path) -> str:
    def relative(path: Path) -> str:
        return Path(os.path.relpath(site / path, folder)).as_posix()

    for url, name in ASSETS.items():
        text = text.replace(f'"{url}"', f'"{relative(VENDOR / name)}"')
    text = LOGO.sub(relative(LOCAL_LOGO), text)
    text = LOCAL.sub(lambda m: f'"{relative(Path(m[1]))}"', text)
    return INTEGRITY.sub("", text)
