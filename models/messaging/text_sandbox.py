"""The sandbox admins' texts render in (notification texts: models/messaging/texts.py).

Jinja's immutable sandbox, with no globals and a short list of filters, refuses attribute
tricks (`''.__class__`) and changes to values. On top of it each render has a budget
(`Limits`): no text it builds (a filter's, an operator's or `~`'s result) and not all it
writes together may pass `max_chars` characters; it may not take longer than `max_ms`;
macros and recursive loops may not nest deeper than MAX_DEPTH. The budget is checked wherever
a text can spend time or memory: before each step of every `{% for %}` and each piece of
output (a rewrite at compile time, `_Metered`, routes them through the environment), each
call, lookup, operator and filter. Only macros can be called: a string's own methods
(`center`, `ljust`, `replace`) could build any size. Over budget raises TextTooCostly; every
other way a text can fail raises a TemplateError too (TextFailed), never anything else.
"""

import math
import time
from contextvars import ContextVar
from dataclasses import dataclass
from functools import wraps

from flask_babel import gettext as _
from jinja2 import StrictUndefined, TemplateError, TemplateSyntaxError, nodes
from jinja2.compiler import CodeGenerator
from jinja2.runtime import LoopContext, Macro, Undefined, markup_join
from jinja2.sandbox import ImmutableSandboxedEnvironment, SecurityError
from jinja2.visitor import NodeTransformer

SAFE_FILTERS = (
    *("capitalize", "default", "first", "join", "last", "length", "lower"),
    *("replace", "round", "title", "trim", "truncate", "upper"),
)
MAX_DEPTH = 20  # macros calling macros (themselves included), recursive loops
MAX_NUMBER_BITS = 256  # numbers a text computes: about 77 digits
MAX_POWER = 64


@dataclass(frozen=True)
class Limits:
    max_chars: int
    max_ms: int


class TextTooCostly(SecurityError):
    """The text went over its budget: too long, too slow or too deep."""


class TextFailed(TemplateError):
    """The text broke in a way Jinja does not report as a TemplateError itself."""


@dataclass
class _Budget:
    limits: Limits | None  # None: a text of ours, trusted
    deadline: float
    written: int = 0
    depth: int = 0

    def tick(self) -> None:
        if self.limits and time.monotonic() > self.deadline:
            raise TextTooCostly(
                _(
                    "it takes longer than %(ms)s ms to render (a loop or macro runs too often)",
                    ms=self.limits.max_ms,
                )
            )

    def sized(self, value, size: int | None = None):
        """`value`, if it is not longer than the limit (`size`: its length, if known)."""
        self.tick()
        if self.limits:
            size = _size(value, self.limits.max_chars) if size is None else size
            if size > self.limits.max_chars:
                raise self.too_long()
        return value

    def write(self, value):
        """`value`, counted towards all the text writes."""
        if self.limits:
            self.written += _size(value, self.limits.max_chars)
            if self.written > self.limits.max_chars:
                raise self.too_long()
        return self.sized(value)

    def too_long(self) -> TextTooCostly:
        return TextTooCostly(
            _("it would write more than %(chars)s characters", chars=self.limits.max_chars)
        )

    def enter(self) -> None:
        self.depth += 1
        if self.limits and self.depth > MAX_DEPTH:
            raise TextTooCostly(
                _("macros or loops call themselves more than %(depth)s deep", depth=MAX_DEPTH)
            )


_BUDGET: ContextVar[_Budget | None] = ContextVar("text_budget", default=None)


def _current() -> _Budget:
    return _BUDGET.get() or _Budget(None, math.inf)


def _size(value, limit: int) -> int:
    """About how many characters `value` makes as text; counting stops once past `limit`."""
    total, todo = 0, [value]
    while todo and total <= limit:
        item = todo.pop()
        if isinstance(item, str):
            total += len(item)
        elif isinstance(item, int):
            total += item.bit_length() * 3 // 10 + 5
        elif isinstance(item, (list, tuple, dict)):
            total += 2 + 4 * len(item)
            if total <= limit:
                todo.extend(item.items() if isinstance(item, dict) else item)
        else:  # None, numbers, macros, undefined values: short as text
            total += 24
    return total


def _number_too_large() -> SecurityError:
    return SecurityError(_("it would compute a number too large"))


def _check_product(left, right, limit: int) -> None:
    if isinstance(left, int) and isinstance(right, int):
        if left.bit_length() + right.bit_length() > MAX_NUMBER_BITS:
            raise _number_too_large()
        return
    times, sequence = (right, left) if isinstance(right, int) else (left, right)
    repeated = isinstance(times, int) and isinstance(sequence, (str, list, tuple))
    if repeated and _size(sequence, limit) * max(times, 0) > limit:
        raise _current().too_long()


def _check_power(left, right) -> None:
    if not isinstance(right, int):
        return
    if abs(right) > MAX_POWER:
        raise _number_too_large()
    if isinstance(left, int) and left.bit_length() * abs(right) > MAX_NUMBER_BITS:
        raise _number_too_large()


def _replace_size(s, old, new, count=None) -> int:
    text, old, new = str(s), str(old), str(new)
    found = text.count(old) if old else len(text) + 1
    if count is not None:
        found = min(found, max(int(count), 0))
    return len(text) + found * max(len(new) - len(old), 0)


def _join_size(value, d="", attribute=None) -> int:
    if not isinstance(value, (str, list, tuple, dict)):
        return 0  # measured once joined
    return _size(value, math.inf) + len(str(d)) * max(len(value) - 1, 0)


def _round_size(value, precision=0, method="common") -> int:
    if abs(int(precision)) > MAX_POWER:  # 10 ** precision is computed
        raise _number_too_large()
    return 0


PREDICTED_SIZE = {"replace": _replace_size, "join": _join_size, "round": _round_size}


def _metered_filter(name: str, func):
    """`func` with its input, its predicted output and its output checked."""
    value_at = 1 if hasattr(func, "jinja_pass_arg") else 0  # after the context it asks for
    predicted = PREDICTED_SIZE.get(name)

    @wraps(func)  # keeps jinja_pass_arg
    def metered(*args, **kwargs):
        budget = _current()
        budget.sized(args[value_at])
        if predicted and budget.limits:
            budget.sized(None, predicted(*args[value_at:], **kwargs))
        return budget.sized(func(*args, **kwargs))

    return metered


class _Metered(NodeTransformer):
    """Routes each loop's items, each piece of output and each `~` through the environment's
    budget checks; refuses other templates (there are none to include)."""

    @staticmethod
    def _through(method: str, args: list, lineno: int) -> nodes.Call:
        helper = nodes.EnvironmentAttribute(method, lineno=lineno)
        return nodes.Call(helper, args, [], None, None, lineno=lineno)

    def visit_For(self, node: nodes.For) -> nodes.For:
        node = self.generic_visit(node)
        node.iter = self._through("metered_steps", [node.iter], node.lineno)
        return node

    def visit_Output(self, node: nodes.Output) -> nodes.Output:
        node = self.generic_visit(node)
        node.nodes = [self._through("metered_write", [self._expr(n)], n.lineno) for n in node.nodes]
        return node

    @staticmethod
    def _expr(node: nodes.Expr) -> nodes.Expr:
        if isinstance(node, nodes.TemplateData):  # the text as typed, markup in markup
            return nodes.MarkSafeIfAutoescape(nodes.Const(node.data), lineno=node.lineno)
        return node

    def visit_Concat(self, node: nodes.Concat) -> nodes.Call:
        node = self.generic_visit(node)
        return self._through("metered_join", node.nodes, node.lineno)

    def refuse(self, node: nodes.Node):
        message = _("other templates cannot be included, imported or extended here")
        raise TemplateSyntaxError(message, node.lineno)

    visit_Extends = visit_Include = visit_Import = visit_FromImport = refuse


class _MeteredCode(CodeGenerator):
    def visit_Template(self, node, frame=None):
        _Metered().visit(node)
        super().visit_Template(node, frame)


class TextSandbox(ImmutableSandboxedEnvironment):
    code_generator_class = _MeteredCode
    intercepted_binops = frozenset({"*", "**", "%", "+"})

    def __init__(self):
        super().__init__(undefined=StrictUndefined, autoescape=False)
        self.filters = {name: _metered_filter(name, self.filters[name]) for name in SAFE_FILTERS}
        self.globals = {}

    def metered_steps(self, items):
        """A loop's items, the budget checked before each."""
        budget = _current()
        for item in items:
            budget.tick()
            yield item

    def metered_write(self, value):
        return _current().write(value)

    def metered_join(self, *parts):
        """`~`: its parts joined, if not too long."""
        budget = _current()
        if budget.limits:
            budget.sized(None, sum(_size(part, budget.limits.max_chars) for part in parts))
        return budget.sized(markup_join(parts))

    def call(__self, __context, __obj, *args, **kwargs):  # (named as Jinja names them)
        budget = _current()
        budget.tick()
        owner = getattr(__obj, "__self__", None)
        if owner is __self or isinstance(__obj, Undefined) or isinstance(owner, LoopContext):
            return super().call(
                __context, __obj, *args, **kwargs
            )  # ours, "x is undefined", loop.cycle
        if not isinstance(__obj, (Macro, LoopContext)):
            raise SecurityError(_("only macros can be called here; use the filters instead"))
        if isinstance(__obj, LoopContext) and args:  # loop(children) in a recursive loop
            args = (__self.metered_steps(args[0]), *args[1:])
        budget.enter()
        try:
            return super().call(__context, __obj, *args, **kwargs)
        finally:
            budget.depth -= 1

    def getattr(self, obj, attribute):
        _current().tick()
        return super().getattr(obj, attribute)

    def getitem(self, obj, argument):
        _current().tick()
        return super().getitem(obj, argument)

    def call_binop(self, context, operator, left, right):
        budget = _current()
        budget.tick()
        if operator == "%":
            raise SecurityError(_("the percent sign is not available; write {{ value }} instead"))
        if budget.limits and operator == "*":
            _check_product(left, right, budget.limits.max_chars)
        if budget.limits and operator == "**":
            _check_power(left, right)
        return budget.sized(super().call_binop(context, operator, left, right))


SANDBOX = TextSandbox()


def render(source: str, variables: dict, limits: Limits | None) -> str:
    """`source` rendered with `variables` within `limits` (None: a text of ours, unlimited).

    Raises a TemplateError: TemplateSyntaxError, UndefinedError, SecurityError (TextTooCostly
    when over budget) or TextFailed."""
    deadline = time.monotonic() + limits.max_ms / 1000 if limits else math.inf
    token = _BUDGET.set(_Budget(limits, deadline))
    try:
        return SANDBOX.from_string(source).render(variables)
    except TemplateError:
        raise
    except RecursionError as error:
        raise TextTooCostly(_("it is nested too deeply")) from error
    except Exception as error:  # 1/0, 'a' + 1, int('x'): the text's own mistakes
        reason = str(error) or type(error).__name__
        raise TextFailed(_("it fails when rendered: %(error)s", error=reason)) from error
    finally:
        _BUDGET.reset(token)
