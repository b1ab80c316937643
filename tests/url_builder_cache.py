"""Every test makes its own app, and for each of its ~190 routes werkzeug writes two URL-building
functions as Python source trees and compiles them: three quarters of `create_app`'s time, a
quarter of a second a test. The function it makes depends only on the rule's text, its parts,
its defaults and whether unknown arguments go into the query string, and each rule binds it to
itself; so the tests' apps share one made per kind (werkzeug is pinned in the lock)."""

from werkzeug.routing.rules import Rule

_compile_builder = Rule._compile_builder


def share_url_builders() -> None:
    made = {}

    def compile_builder(rule: Rule, append_unknown: bool = True):
        defaults = sorted((name, repr(value)) for name, value in (rule.defaults or {}).items())
        key = (rule.rule, tuple(rule._trace), tuple(defaults), append_unknown)
        if key not in made:
            made[key] = _compile_builder(rule, append_unknown)
        return made[key]

    Rule._compile_builder = compile_builder
