"""The lock files: a production install pulls no test tools, every package is pinned with its
hashes, the dev lock runs the tests on the runtime's exact versions, and `make setup` checks them.
"""

import re
import subprocess

from tests.helpers import ROOT

TEST_TOOLS = {"pytest", "pytest-xdist", "hypothesis", "playwright", "ruff", "pip-tools"}


def pins(name):
    """{package: version} of a requirements file, names normalised as pip does."""
    text = (ROOT / name).read_text()
    found = re.findall(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s\\;]+)", text, re.M)
    return {re.sub(r"[-_.]+", "-", package).lower(): version for package, version in found}


def locked_entries(name):
    """Each pinned entry of a lock file with its hash lines."""
    text = (ROOT / name).read_text()
    return re.findall(r"^\S+==\S+(?: \\\n\s+--hash=sha256:[0-9a-f]{64})*", text, re.M)


def test_the_runtime_lock_holds_no_test_tools():
    runtime = pins("requirements.txt")
    assert {"flask", "peewee", "huey", "gunicorn"} <= runtime.keys()
    assert not TEST_TOOLS & runtime.keys()
    assert TEST_TOOLS | {"import-linter"} <= pins("requirements-dev.txt").keys()


def test_every_locked_package_is_pinned_with_hashes():
    for name in ("requirements.txt", "requirements-dev.txt"):
        entries = locked_entries(name)
        assert len(entries) == len(pins(name)), name
        assert all("--hash=sha256:" in entry for entry in entries), name


def test_the_locks_hold_what_the_in_files_ask_for_at_the_same_versions():
    runtime, dev = pins("requirements.txt"), pins("requirements-dev.txt")
    assert pins("requirements.in").items() <= runtime.items(), "run `make lock`"
    assert pins("requirements-dev.in").items() <= dev.items(), "run `make lock`"
    assert runtime.items() <= dev.items(), "the tests run on the runtime's versions"


def test_make_setup_installs_a_lock_with_hashes():
    def install_commands(*args):
        dry_run = ["make", "--always-make", "--dry-run", *args, "setup"]
        lines = subprocess.run(dry_run, cwd=ROOT, capture_output=True, text=True, check=True)
        return [line for line in lines.stdout.splitlines() if "pip install" in line]

    assert install_commands() == [
        ".venv/bin/python -m pip install --quiet --require-hashes -r requirements-dev.txt"
    ]
    assert install_commands("PRODUCTION=1") == [
        ".venv/bin/python -m pip install --quiet --require-hashes -r requirements.txt"
    ]
