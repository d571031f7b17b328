"""Production configuration: the compose file matches what the code reads."""

import re
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def compose():
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


# Read by the settings, but never set in production: development and tests only.
NOT_FOR_PRODUCTION = {"DJANGO_DEBUG", "TEST_DATABASE_NAME"}


def env_vars_read_by_settings() -> set[str]:
    sources = [*(ROOT / "crm" / "settings").glob("*.py"), ROOT / "crm" / "file_storage.py"]
    source = "\n".join(path.read_text() for path in sources)
    return set(re.findall(r'env(?:\.\w+)?\(\s*"([A-Z][A-Z0-9_]+)"', source))


def test_compose_has_a_postgres_18_database_with_a_volume_and_health_check(compose):
    db = compose["services"]["db"]
    assert db["image"].startswith("postgres:18")
    assert db["volumes"] and "healthcheck" in db


def test_compose_web_migrates_then_runs_gunicorn_after_the_database_is_healthy(compose):
    web = compose["services"]["web"]
    command = " ".join(web["command"]) if isinstance(web["command"], list) else web["command"]
    assert command.index("migrate") < command.index("gunicorn")
    assert "crm.wsgi:application" in command
    assert web["depends_on"]["db"]["condition"] == "service_healthy"


def test_compose_web_and_worker_share_one_redis(compose):
    assert compose["services"]["redis"]["image"].startswith("redis:")
    for name in ("web", "worker"):
        service = compose["services"][name]
        assert service["environment"]["REDIS_URL"] == "${REDIS_URL:-redis://redis:6379/0}"
        assert service["depends_on"]["redis"]["condition"] == "service_healthy"


def test_compose_sets_only_variables_that_the_settings_read(compose):
    known = env_vars_read_by_settings()
    for name, service in compose["services"].items():
        if name == "db":
            continue
        unknown = set(service.get("environment", {})) - known
        assert not unknown, f"{name} sets variables nothing reads: {unknown}"


def test_compose_passes_every_production_variable_to_the_web_and_the_worker(compose):
    # An operator sets them in .env; a variable the compose file does not pass on cannot
    # reach the container, so the documented setting would silently do nothing.
    wanted = env_vars_read_by_settings() - NOT_FOR_PRODUCTION
    for name in ("web", "worker"):
        missing = sorted(wanted - set(compose["services"][name]["environment"]))
        assert missing == [], f"{name} does not pass {missing}"


def test_compose_gives_production_its_required_settings(compose):
    env = compose["services"]["web"]["environment"]
    for required in ("DATABASE_URL", "DJANGO_SECRET_KEY", "DJANGO_ALLOWED_HOSTS"):
        assert required in env
    assert "@db:5432/" in env["DATABASE_URL"]


def test_every_variable_the_settings_read_is_documented_in_the_readme():
    readme = (ROOT / "README.md").read_text()
    missing = sorted(v for v in env_vars_read_by_settings() if f"`{v}`" not in readme)
    assert missing == []


def test_debug_is_off_unless_asked_for(monkeypatch):
    import importlib

    import crm.settings.base as base

    monkeypatch.delenv("DJANGO_DEBUG", raising=False)
    monkeypatch.setenv("DJANGO_SECRET_KEY", "x" * 60)
    try:
        assert importlib.reload(base).DEBUG is False
    finally:
        importlib.reload(base)


def test_collectstatic_with_the_production_storage_builds_a_manifest(settings, tmp_path):
    # The Dockerfile's build step: every file a static file names (source maps included)
    # must exist, or the manifest storage refuses and the image does not build.
    from django.core.management import call_command

    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    call_command("collectstatic", interactive=False, verbosity=0)
    manifest = (tmp_path / "staticfiles.json").read_text()
    assert '"vendor/bootstrap/bootstrap.min.css": "vendor/bootstrap/bootstrap.min.' in manifest
    assert '"css/crm.css": "css/crm.' in manifest


def test_make_test_names_what_to_install_before_any_test_when_it_cannot_install(tmp_path):
    # Without Chromium, Dovecot and gettext, and without apt-get (or not root), the set-up
    # stops with one line naming the packages, instead of 40 errors in the suite.
    import subprocess

    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "id").symlink_to("/usr/bin/id")
    result = subprocess.run(
        ["/bin/bash", str(ROOT / "scripts" / "test-deps.sh")],
        env={"PATH": str(bin_dir)},
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert "chromium dovecot-core dovecot-imapd gettext" in lines[0]


@pytest.mark.django_db
def test_the_database_compiles_no_statement_with_jit():
    # crm/0001: a search probe's branch that never runs, priced past jit_above_cost, made
    # PostgreSQL compile the statement first (0.6 s for a 15 ms note search).
    from django.db import connections

    fresh = connections.create_connection("default")  # the database's defaults apply anew
    try:
        with fresh.cursor() as cursor:
            cursor.execute("SHOW jit")
            assert cursor.fetchone()[0] == "off"
    finally:
        fresh.close()
