"""The container files (Dockerfile, compose.yaml, Caddyfile; docs/operations.md "Containers").

Without Docker's daemon or a YAML library here, the files are checked as text for what matters:
every package the app imports is copied into the image, the image runs as a user without
privileges, compose runs web, worker, PostgreSQL, Redis and Caddy with the settings the app reads.
With `docker compose` or PyYAML available the compose file is also parsed whole; with a Docker
daemon the image is built. Otherwise those two say why they are skipped.
"""

import re
import shutil
import subprocess
from pathlib import Path

import pytest

import config

ROOT = Path(__file__).resolve().parents[2]
DOCKERFILE = (ROOT / "Dockerfile").read_text()
COMPOSE = (ROOT / "compose.yaml").read_text()
ENV = {"SECRET_KEY": "x", "POSTGRES_PASSWORD": "y", "SITE_ADDRESS": "shop.example.com"}


def _top_level_code() -> set[str]:
    """The packages and modules at the top of the project that the app's code lives in."""
    packages = {p.name for p in ROOT.iterdir() if (p / "__init__.py").is_file()}
    modules = {p.name for p in ROOT.glob("*.py")}
    return (packages | modules) - {"tests", "bench"}


def test_the_image_copies_every_package_and_module_the_app_runs():
    copied = set()
    for line in DOCKERFILE.splitlines():
        if line.startswith("COPY") and "--from=" not in line:
            copied |= set(line.split()[1:-1]) - {"--chown=root:root"}
    missing = _top_level_code() - copied - {"requirements.txt"}
    assert not missing, f"not copied into the image: {sorted(missing)}"
    for folder in ("templates", "static", "migrations", "translations"):
        assert re.search(rf"^COPY .*\b{folder}\b", DOCKERFILE, re.M), folder


def test_the_image_is_multi_stage_runs_unprivileged_and_installs_only_the_runtime_lock():
    assert len(re.findall(r"^FROM ", DOCKERFILE, re.M)) >= 3
    user = re.findall(r"^USER (\S+)", DOCKERFILE, re.M)
    assert user and user[-1] not in {"root", "0"}
    assert "requirements-dev" not in DOCKERFILE
    assert "--require-hashes -r requirements.txt" in DOCKERFILE
    assert "pybabel compile" in DOCKERFILE and "htmx.min.js" in DOCKERFILE


def _service(name: str) -> str:
    """The text of one service of compose.yaml (up to the next one at the same indent)."""
    match = re.search(rf"^  {name}:\n((?:    .*\n|\n)+)", COMPOSE, re.M)
    assert match, f"no service {name}"
    return match.group(1)


def test_compose_runs_web_worker_postgresql_redis_and_caddy():
    assert "gunicorn" in _service("web") and "/readyz" in _service("web")
    assert "huey_consumer" in _service("worker") and "tasks.huey" in _service("worker")
    assert '"db", "upgrade"' in _service("migrate")
    assert "pg_isready" in _service("db") and "redis-cli" in _service("redis")
    assert "reverse_proxy web:8000" in (ROOT / "Caddyfile").read_text()
    for app_service in ("web", "worker", "migrate"):
        assert "<<: *app" in _service(app_service)


def test_compose_sets_only_settings_the_app_reads():
    settings = re.findall(r"^    ([A-Z_]+): ", COMPOSE.split("services:")[0], re.M)
    known = config.from_environment(ROOT / "instance")
    assert settings and not set(settings) - set(known)
    # The database's client in the image and the server in compose agree (pg_dump refuses newer).
    client = re.search(r"postgresql-client-(\d+)", DOCKERFILE).group(1)
    assert f"image: postgres:{client}" in _service("db")


def test_compose_parses_whole():
    if shutil.which("docker") and _compose_plugin():
        result = subprocess.run(
            ["docker", "compose", "-f", str(ROOT / "compose.yaml"), "config", "-q"],
            env=ENV | {"PATH": "/usr/bin:/bin"},
            capture_output=True,
            text=True,
        )
        assert result.returncode == 0, result.stderr
        return
    yaml = pytest.importorskip("yaml", reason="neither `docker compose` nor PyYAML is installed")
    document = yaml.safe_load(COMPOSE)
    assert {"web", "worker", "db", "redis", "caddy", "migrate"} <= set(document["services"])


def _compose_plugin() -> bool:
    return subprocess.run(["docker", "compose", "version"], capture_output=True).returncode == 0


def test_the_image_builds():
    daemon = shutil.which("docker") and subprocess.run(["docker", "info"], capture_output=True)
    if not daemon or daemon.returncode != 0:
        pytest.skip("no Docker daemon here: `docker build` runs where one is (CI)")
    result = subprocess.run(
        ["docker", "build", "-q", "-t", "jielong:test", str(ROOT)], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr[-2000:]


def test_readyz_answers_ready_when_database_and_queue_answer(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json == {"status": "ready", "database": "ok", "queue": "ok"}


def test_readyz_is_503_naming_the_queue_when_it_is_unreachable(client, monkeypatch):
    from tasks import huey

    def down():
        raise ConnectionError("redis is down")

    monkeypatch.setattr(huey, "pending_count", down)
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json["queue"] == "unreachable: ConnectionError"
    assert response.json["database"] == "ok"
