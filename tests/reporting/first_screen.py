"""What a person sees on the first screen of a page in Chromium: the text laid out there, and the pictures."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

from reporting.screenshot import run_chromium

# Runs after the page's own scripts; leaves its findings in the DOM for --dump-dom.
MEASURE = """<script>(() => {
  const h = window.innerHeight, visible = (el, r) => r.width > 0 && r.height > 0 && r.top < h && r.bottom > 0
    && getComputedStyle(el).visibility === "visible";
  const text = [], walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const range = document.createRange();
    range.selectNodeContents(node);
    if (node.textContent.trim() && visible(node.parentElement, range.getBoundingClientRect())) text.push(node.textContent.trim());
  }
  const pictures = [...document.querySelectorAll("svg")].map((svg) => {
    const box = svg.getBoundingClientRect();
    return {label: svg.getAttribute("aria-label"), top: box.top, shown: Math.min(box.bottom, h) - Math.max(box.top, 0),
            texts: [...svg.querySelectorAll("text")].filter((t) => visible(t, t.getBoundingClientRect())).map((t) => t.textContent)};
  });
  const out = document.createElement("pre");
  out.id = "first-screen";
  out.textContent = JSON.stringify({height: h, text: text, pictures: pictures});
  document.body.appendChild(out);
})();</script>"""


def first_screen(page: Path, scratch: Path) -> dict:
    """{"text": [visible text on the first screen], "pictures": [{label, top, shown, texts}]} of `page`."""
    measured = scratch / f"measured-{page.name}"
    measured.write_text(page.read_text(encoding="utf-8").replace("</body>", MEASURE + "</body>"), encoding="utf-8")
    dom = run_chromium(measured, "--dump-dom")
    found = re.search(r'<pre id="first-screen">(.*?)</pre>', dom, re.S)
    assert found, "the measuring script did not run: " + dom[-500:]
    return json.loads(html.unescape(found.group(1)))
