"""Parts of a page written once and kept, with holes for what each request shows anew.

    {% kept store, key %}…{% endkept %}
    {% kept store, key, values %}… {{ hole(macro, values, item) }} …{% endkept %}

The block is written the first time for `key` (and the locale and the script root), kept in
the dict `store`, and written every time when `store` is None. The store's owner decides how
long it holds: the order form passes `Published.kept_parts`, which goes with the publication
it was read with (a new configuration generation: a new one). A kept block must depend on
nothing but what its key names and the store's owner holds (no stock, errors, customer, CSRF
token or clock), except through holes.

A hole is a part the request writes: `macro(values.get(item))`, with `values` the mapping the
block names (the stock left per product, say). The kept text holds a mark where the hole
was; each request puts there what the macro writes from its own `values`. A `macro` is a
module-level one (an imported template's), so the store keeps no request's context alive.
A block inside a block being written is written as part of it, holes and all.
"""

import re
import secrets
from contextvars import ContextVar
from dataclasses import dataclass, field

from flask import request
from flask_babel import get_locale
from jinja2 import TemplateRuntimeError, nodes
from jinja2.ext import Extension
from markupsafe import Markup

_MARK = f"\x00{secrets.token_hex(8)}:"  # no text a shop or a customer types holds it
_MARKED = re.compile(re.escape(_MARK) + r"(\d+)\x00")


@dataclass
class _Writing:
    """The block being written for keeping: its `values` and the holes found so far."""

    values: object
    holes: list = field(default_factory=list)


_WRITING: ContextVar[_Writing | None] = ContextVar("kept_writing", default=None)


@dataclass(frozen=True)
class _Kept:
    texts: tuple[str, ...]  # the written text around the holes: one more than the holes
    holes: tuple[tuple[object, object], ...]  # (macro, item) in the order they show

    def filled(self, values) -> Markup:
        if not self.holes:
            return Markup(self.texts[0])
        parts = [self.texts[0]]
        for (macro, item), text in zip(self.holes, self.texts[1:], strict=True):
            parts += [str(macro(values.get(item))), text]
        return Markup("".join(parts))


def hole(macro, values, item) -> Markup:
    """`macro(values.get(item))` now, or, in a kept block being written, a mark where each
    request puts it."""
    writing = _WRITING.get()
    if writing is None:
        return macro(values.get(item))
    if values is not writing.values:
        raise TemplateRuntimeError("a hole reads the values its kept block names")
    writing.holes.append((macro, item))
    return Markup(f"{_MARK}{len(writing.holes) - 1}\x00")


def _kept_from(written: str, writing: _Writing) -> _Kept:
    pieces = _MARKED.split(written)
    order = [int(number) for number in pieces[1::2]]
    return _Kept(tuple(pieces[0::2]), tuple(writing.holes[number] for number in order))


class KeptParts(Extension):
    """The `kept` tag (this module's docstring)."""

    tags = {"kept"}

    def parse(self, parser):
        lineno = next(parser.stream).lineno
        store = parser.parse_expression()
        parser.stream.expect("comma")
        key = parser.parse_expression()
        values = nodes.Const(None)
        if parser.stream.skip_if("comma"):
            values = parser.parse_expression()
        body = parser.parse_statements(("name:endkept",), drop_needle=True)
        call = self.call_method("_kept", [store, key, values])
        return nodes.CallBlock(call, [], [], body).set_lineno(lineno)

    @staticmethod
    def _kept(store, key, values, caller):
        if store is None or _WRITING.get() is not None:
            return caller()
        key = (str(get_locale()), request.script_root, key)
        kept = store.get(key)
        if kept is None:
            writing = _Writing(values)
            token = _WRITING.set(writing)
            try:
                written = caller()
            finally:
                _WRITING.reset(token)
            kept = store[key] = _kept_from(written, writing)
        return kept.filled(values)


def init_app(app) -> None:
    app.jinja_env.add_extension(KeptParts)
    app.jinja_env.globals["hole"] = hole
