"""What a person would notice is wrong with a page, checked in a real browser tab: an error
status, a JavaScript error, a console error or warning (htmx logs its own mistakes there), a
Content-Security-Policy violation, no heading, sideways scrolling, a button whose text wraps,
English left on a Chinese page, and what axe-core finds serious or critical.

A `Visitor` owns one tab: it listens to the console from the start and runs the page's clock
fast, so that every poll and delayed request of a page runs once while the page is checked."""

import os
import re
from pathlib import Path

import pytest

AXE = Path(__file__).resolve().parent.parent / "node_modules" / "axe-core" / "axe.min.js"
# Long enough for every poll of a page (every 2s, every 5s) to run once.
POLLS_MS = 6_000
AXE_IMPACTS = ("serious", "critical")
# Latin text a Chinese page may show besides what the shop typed in (names, products, …).
LATIN_ALLOWED = {"CN¥", "WeChat", "WeChat Pay", "Alipay", "SKU", "CSV", "XLSX", "QR", "SMS"}
ENGLISH_RUN = re.compile(r"[A-Za-z][A-Za-z'’]*(?:[ \u00a0][A-Za-z][A-Za-z'’]*){2,}")

# A violation of the page's Content-Security-Policy, said in the console like any other error
# (Chromium says most of them itself; the event catches the rest, e.g. in report-only mode).
CSP_LISTENER = """
document.addEventListener('securitypolicyviolation', event => console.error(
  `Content-Security-Policy: ${event.violatedDirective} blocked ` +
  `${event.blockedURI || 'inline code'} (${event.sourceFile || ''}:${event.lineNumber})`));
"""


def axe_source() -> str:
    """axe-core from node_modules (`make test` installs it with `npm ci`)."""
    if not AXE.exists():
        message = f"axe-core is not installed at {AXE} (run `make assets`, i.e. npm ci)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    return AXE.read_text()


class Visitor:
    """Opens pages in one browser tab and says what is wrong with each.

    `latin` is what the shop typed in (lowercase) when the pages are to be in Chinese, else
    None; `audit` runs axe-core on the pages `visit` is told to audit."""

    def __init__(self, page, latin: str | None = None, audit: bool = True):
        self.page, self.latin = page, latin
        self.axe = axe_source() if audit else None
        self.errors: list[str] = []
        page.context.add_init_script(CSP_LISTENER)
        page.clock.install()
        page.on("pageerror", lambda error: self.errors.append(f"JavaScript: {error}"))
        page.on("console", self._console)

    def _console(self, message) -> None:
        if message.type in ("error", "warning"):
            where = message.location.get("url") or ""
            self.errors.append(f"console {message.type}: {message.text} ({where})")

    def visit(self, url: str, audit: bool = False) -> list[str]:
        """Open `url`, let its polls run once, and list what is wrong with it."""
        self.errors.clear()
        page = self.page
        response = page.goto(url)
        problems = []
        if response is None or response.status >= 400:
            problems.append(f"status {response.status if response else 'none'}")
        problems += self.check(audit)
        return problems + self.errors

    def check(self, audit: bool = False) -> list[str]:
        """What is wrong with the page as it is now (after its polls have run once)."""
        page = self.page
        page.clock.fast_forward(POLLS_MS)
        page.wait_for_function("() => !document.querySelector('.htmx-request')")
        problems = []
        if page.locator("h1").count() == 0:
            problems.append("no <h1>")
        width = page.evaluate(WIDTH)
        if width["scroll"] > width["screen"]:
            problems.append(
                f"{width['scroll']}px wide on a {width['screen']}px screen: {width['wide'][:4]}"
            )
        wrapped = page.evaluate(WRAPPED_BUTTONS)
        if wrapped:
            problems.append(f"button text wraps: {wrapped[:6]}")
        if self.latin is not None:
            english = self.english_left(page.evaluate(VISIBLE_TEXT))
            if english:
                problems.append(f"English on the Chinese page: {english}")
        if audit and self.axe:
            problems += self.accessibility()
        return problems

    def accessibility(self) -> list[str]:
        """axe-core's serious and critical violations, one line per rule.

        Evaluated rather than added as a <script>, which the page's CSP would (rightly) block."""
        if not self.page.evaluate("() => 'axe' in window"):
            self.page.evaluate(self.axe)
        found = self.page.evaluate(AXE_RUN, list(AXE_IMPACTS))
        return [f"axe {rule}" for rule in found]

    def english_left(self, text: str) -> list[str]:
        """Runs of 3+ English words that are not in what the shop typed in."""
        return sorted(
            {
                run
                for line in text.splitlines()
                for run in ENGLISH_RUN.findall(line)
                if run not in LATIN_ALLOWED and run.lower() not in self.latin
            }
        )

    def links(self) -> list[str]:
        return self.page.eval_on_selector_all("a[href]", "links => links.map(a => a.href)")


# What overflows the page: the innermost elements past the right edge, outside a scroller.
WIDTH = """() => ({
  scroll: document.documentElement.scrollWidth,
  screen: document.documentElement.clientWidth,
  wide: [...document.querySelectorAll('body *')]
    .filter(el => el.getBoundingClientRect().right > document.documentElement.clientWidth + 1)
    .filter(el => !el.parentElement.closest('.table-wrap')
                  || getComputedStyle(el).position === 'absolute')
    .map(el => el.tagName + (el.id ? '#' + el.id : '') + '.' + el.className)
    .reverse()
})"""

# Buttons (and links styled as buttons) whose text takes more than one line: two pieces of
# its text that do not share a line, measured on the text itself, not on the box.
WRAPPED_BUTTONS = """() => [...document.querySelectorAll('button, a.button, a.action, [role=button], summary')]
  .filter(button => button.getClientRects().length && getComputedStyle(button).visibility !== 'hidden')
  .filter(button => {
    const lines = [];
    const walker = document.createTreeWalker(button, NodeFilter.SHOW_TEXT);
    const range = document.createRange();
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      if (!node.textContent.trim() || node.parentElement.closest('.visually-hidden')) continue;
      range.selectNodeContents(node);
      lines.push(...[...range.getClientRects()].filter(rect => rect.width > 0.5));
    }
    return lines.some(a => lines.some(b => b.top >= a.bottom - 1));
  })
  .map(button => `${button.innerText.trim().replace(/\\s+/g, ' ')} (${Math.round(button.getBoundingClientRect().width)}px)`)"""

# The page's text as a user reads it (code samples aside), and the words of its placeholders,
# tooltips and labels for screen readers.
VISIBLE_TEXT = """() => {
  let text = document.body.innerText;
  for (const code of document.querySelectorAll('code, pre, kbd, samp')) {
    text = text.replace(code.innerText, ' ');
  }
  const attributes = [...document.querySelectorAll('[placeholder], [title], [aria-label], img[alt]')]
    .flatMap(el => ['placeholder', 'title', 'aria-label', 'alt'].map(name => el.getAttribute(name)))
    .filter(Boolean);
  return [text, ...attributes].join('\\n');
}"""

# axe-core on the whole page: each violation of the given impacts with up to three elements.
AXE_RUN = """async impacts => {
  const result = await axe.run(document, {resultTypes: ['violations']});
  return result.violations
    .filter(violation => impacts.includes(violation.impact))
    .map(violation => `${violation.id} (${violation.impact}): ${violation.help} — ` +
      violation.nodes.slice(0, 3).map(node => node.target.join(' ')).join(', ') +
      (violation.nodes.length > 3 ? ` and ${violation.nodes.length - 3} more` : ''));
}"""
