"""The shape of the house (docs/architecture.md): small packages of small modules."""

import pytest

from tests.helpers import ROOT

PRODUCT_CODE = ("blueprints", "forms", "models", "tasks", "commands")


def packages():
    for top in PRODUCT_CODE:
        yield ROOT / top
        yield from (path for path in (ROOT / top).rglob("*") if (path / "__init__.py").exists())


@pytest.mark.parametrize("package", sorted(packages()), ids=lambda p: str(p.relative_to(ROOT)))
def test_no_package_holds_more_than_15_modules(package):
    assert len(list(package.glob("*.py"))) <= 15


def test_no_module_is_longer_than_400_lines():
    modules = [path for top in PRODUCT_CODE for path in (ROOT / top).rglob("*.py")]
    long = {
        str(p.relative_to(ROOT)): n for p in modules if (n := len(p.read_text().splitlines())) > 400
    }
    assert not long
