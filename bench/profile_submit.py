"""Where an order submit's time goes: py-spy samples a gunicorn worker while wrk POSTs orders.

`make profile` runs it on SQLite (BENCH_DATABASE_URL=postgresql://… for PostgreSQL): the demo
shop in a scratch database, gunicorn with one sync worker, wrk as in bench/submit.py for
PROFILE_SECONDS (10), py-spy (from the dev lock) attached to the worker. It writes a flame
graph, profile-submit.svg (open it in a browser), and prints the functions holding most
samples, by their own time and with what they call.
"""

import collections
import os
import re
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.submit import ROOT, SLUG, form_of, gunicorn, prepare, scratch_database, wrk

SECONDS = int(os.environ.get("PROFILE_SECONDS", "10"))
OURS = re.compile(r"\((app|i18n)\.py|\((models|blueprints|forms|tasks)/")
OUT = ROOT / "profile-submit.svg"


def record(pid: int, folder: Path) -> list[str]:
    """py-spy's collapsed stacks of `pid` for SECONDS; a flame graph of them in OUT."""
    spy = str(ROOT / ".venv/bin/py-spy")
    raw = folder / "stacks.txt"
    common = ["--pid", str(pid), "--duration", str(SECONDS), "--rate", "200", "--nonblocking"]
    subprocess.run([spy, "record", *common, "--format", "raw", "-o", str(raw)], check=True,
                   capture_output=True)  # fmt: skip
    subprocess.run([spy, "record", *common, "--format", "flamegraph", "-o", str(OUT)],
                   check=False, capture_output=True)  # fmt: skip
    return raw.read_text().splitlines()


def summary(stacks: list[str], top: int = 20) -> None:
    own, total, samples = collections.Counter(), collections.Counter(), 0
    for line in stacks:
        frames, _, count = line.rpartition(" ")
        count, names = int(count), frames.split(";")
        samples += count
        own[names[-1]] += count
        for name in set(names):
            total[name] += count
    print(f"## {samples} samples of one worker over {SECONDS} s")
    print("### by own time")
    for name, count in own.most_common(top):
        print(f"  {100 * count / samples:5.1f} %  {name}")
    print("### with what they call (the app's own functions)")
    ours = [(n, c) for n, c in total.most_common() if OURS.search(n)]
    for name, count in ours[:top]:
        print(f"  {100 * count / samples:5.1f} %  {name}")


def main() -> int:
    base = os.environ.get("BENCH_DATABASE_URL")
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        if base:
            with scratch_database(base) as url:
                return profile(url, folder)
        return profile(f"sqlite:///{folder}/bench.db", folder)


def profile(url: str, folder: Path) -> int:
    prepare(url, folder)
    env = {"DATABASE_URL": url, "HUEY_URL": f"sqlite:///{folder}/huey.db",
           "SECURE_COOKIES": "0", "SECRET_KEY": "bench"}  # fmt: skip
    with gunicorn("app:create_app()", env, folder, workers=1) as (server, master):
        fields, cookie = form_of(server)
        worker = int(subprocess.run(["pgrep", "-P", str(master)], capture_output=True,
                                    text=True).stdout.split()[0])  # fmt: skip
        load = threading.Thread(target=wrk, args=(server, f"/f/{SLUG}", fields, cookie, folder),
                                kwargs={"duration": f"{SECONDS + 4}s"})  # fmt: skip
        load.start()
        stacks = record(worker, folder)
        load.join()
    summary(stacks)
    print(f"## flame graph: {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
