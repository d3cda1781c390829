"""Settings read the environment, and say clearly what is missing or malformed."""

import importlib
import os
import shutil
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import environ
import pytest
from django.core import signing
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings

BASE_DIR = Path(__file__).resolve().parent.parent
SETTINGS_MODULES = [
    f"myproject.settings.{name}" for name in ("base", "development", "production")
]
VARIABLES = [
    "SECRET_KEY",
    "DEBUG",
    "ALLOWED_HOSTS",
    "CSRF_TRUSTED_ORIGINS",
    "DATABASE_URL",
    "SECURE_SSL_REDIRECT",
    "SECRET_KEY_FALLBACKS",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
    "ADMINS",
    "SERVER_EMAIL",
    "EMAIL_URL",
    "SENTRY_DSN",
    "SENTRY_ENVIRONMENT",
    "MANAGERS",
    "CACHE_URL",
    "CELERY_BROKER_URL",
]
PRODUCTION_ENV = {
    "SECRET_KEY": "k3y-" + "x1y2z3" * 10,  # pragma: allowlist secret
    "ALLOWED_HOSTS": "example.com,www.example.com",
    "CSRF_TRUSTED_ORIGINS": "https://example.com",
    # pragma: allowlist nextline secret
    "DATABASE_URL": "postgresql://app:secret@db.internal:5432/shop",
}


def load(monkeypatch: pytest.MonkeyPatch, module: str, **env: str) -> ModuleType:
    """Import a settings module afresh with exactly these variables (no .env)."""
    for name in VARIABLES:
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setattr(environ.Env, "read_env", lambda *args, **kwargs: None)
    for name in SETTINGS_MODULES:  # put back (or removed) after the test
        monkeypatch.setitem(sys.modules, name, sys.modules.get(name))
        del sys.modules[name]
    return importlib.import_module(module)


def without(name: str) -> dict[str, str]:
    return {key: value for key, value in PRODUCTION_ENV.items() if key != name}


def test_production_reads_everything_from_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    settings = load(monkeypatch, "myproject.settings.production", **PRODUCTION_ENV)

    assert settings.DEBUG is False
    assert settings.SECRET_KEY == PRODUCTION_ENV["SECRET_KEY"]
    assert settings.ALLOWED_HOSTS == ["example.com", "www.example.com"]
    assert settings.CSRF_TRUSTED_ORIGINS == ["https://example.com"]
    assert settings.DATABASES["default"]["HOST"] == "db.internal"
    assert settings.SECURE_SSL_REDIRECT is True
    assert settings.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")


def test_production_reports_errors_to_sentry_only_with_a_dsn(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    calls: list[tuple[str, ...]] = []
    monkeypatch.setattr(
        "myproject.errors.init_sentry", lambda *args: calls.append(args)
    )
    dsn = "https://public@sentry.example.com/1"

    load(monkeypatch, "myproject.settings.production", **PRODUCTION_ENV)
    assert calls == []
    load(monkeypatch, "myproject.settings.production", **PRODUCTION_ENV, SENTRY_DSN=dsn)
    assert calls == [(dsn, "production")]
    load(
        monkeypatch,
        "myproject.settings.production",
        **PRODUCTION_ENV,
        SENTRY_DSN=dsn,
        SENTRY_ENVIRONMENT="staging",
    )
    assert calls[-1] == (dsn, "staging")


def test_error_email_goes_to_admins_through_the_email_url(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    settings = load(
        monkeypatch,
        "myproject.settings.base",
        ADMINS="ops@example.com,dev@example.com",
        EMAIL_URL="smtp+tls://mailer@smtp.example.com:587",
    )

    assert settings.ADMINS == [
        ("ops@example.com", "ops@example.com"),
        ("dev@example.com", "dev@example.com"),
    ]
    assert (settings.EMAIL_HOST, settings.EMAIL_PORT) == ("smtp.example.com", 587)
    assert (settings.EMAIL_HOST_USER, settings.EMAIL_USE_TLS) == ("mailer", True)


def test_without_admins_no_error_email_is_sent(monkeypatch: pytest.MonkeyPatch) -> None:
    settings = load(monkeypatch, "myproject.settings.base")

    assert settings.ADMINS == []
    assert (settings.EMAIL_HOST, settings.EMAIL_HOST_PASSWORD) == ("localhost", "")


def test_production_refuses_debug_from_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """DEBUG=True (say, from a .env copied off a laptop) stops start-up, by name."""
    env = {**PRODUCTION_ENV, "DEBUG": "True"}
    with pytest.raises(ImproperlyConfigured, match="DEBUG is on") as error:
        load(monkeypatch, "myproject.settings.production", **env)
    assert "set DEBUG=False" in str(error.value)


@pytest.mark.parametrize("value", [None, "False", "0"])
def test_production_debug_is_off_otherwise(
    monkeypatch: pytest.MonkeyPatch, value: str | None
) -> None:
    env = PRODUCTION_ENV if value is None else {**PRODUCTION_ENV, "DEBUG": value}
    settings = load(monkeypatch, "myproject.settings.production", **env)
    assert settings.DEBUG is False


def test_hsts_starts_small_without_subdomains_or_preload(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A first deploy cannot lock browsers into HTTPS for a year, or subdomains."""
    settings = load(monkeypatch, "myproject.settings.production", **PRODUCTION_ENV)

    assert settings.SECURE_HSTS_SECONDS == 3600
    assert settings.SECURE_HSTS_INCLUDE_SUBDOMAINS is False
    assert settings.SECURE_HSTS_PRELOAD is False


@pytest.mark.parametrize(
    ("seconds", "subdomains", "preload"),
    [
        ("86400", "False", "False"),
        ("31536000", "True", "False"),
        ("63072000", "True", "True"),
    ],
)
def test_hsts_follows_the_environment(
    monkeypatch: pytest.MonkeyPatch, seconds: str, subdomains: str, preload: str
) -> None:
    """Each step of the ramp-up is a change of environment, not of code."""
    env = {
        **PRODUCTION_ENV,
        "SECURE_HSTS_SECONDS": seconds,
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": subdomains,
        "SECURE_HSTS_PRELOAD": preload,
    }
    settings = load(monkeypatch, "myproject.settings.production", **env)

    assert settings.SECURE_HSTS_SECONDS == int(seconds)
    assert settings.SECURE_HSTS_INCLUDE_SUBDOMAINS is (subdomains == "True")
    assert settings.SECURE_HSTS_PRELOAD is (preload == "True")


@pytest.mark.parametrize(
    ("seconds", "subdomains"), [("3600", "True"), ("31536000", "False")]
)
def test_hsts_preload_needs_a_year_and_subdomains(
    monkeypatch: pytest.MonkeyPatch, seconds: str, subdomains: str
) -> None:
    """The preload list refuses less, and leaving it takes months: say so at start."""
    env = {
        **PRODUCTION_ENV,
        "SECURE_HSTS_SECONDS": seconds,
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": subdomains,
        "SECURE_HSTS_PRELOAD": "True",
    }
    with pytest.raises(ImproperlyConfigured, match="SECURE_HSTS_PRELOAD needs"):
        load(monkeypatch, "myproject.settings.production", **env)


OLD_KEY = "old-" + "a1b2c3" * 10  # pragma: allowlist secret
NEW_KEY = "new-" + "d4e5f6" * 10  # pragma: allowlist secret


def signed_with_the_old_key() -> str:
    with override_settings(SECRET_KEY=OLD_KEY, SECRET_KEY_FALLBACKS=[]):
        return signing.dumps({"cart": 42})


@pytest.mark.parametrize(
    "fallbacks", [OLD_KEY, f"{OLD_KEY}, another-{OLD_KEY}"], ids=["one", "two"]
)
def test_a_rotated_key_still_verifies_what_the_old_key_signed(
    monkeypatch: pytest.MonkeyPatch, fallbacks: str
) -> None:
    """Sessions and reset links survive a new SECRET_KEY while the old is a fallback."""
    value = signed_with_the_old_key()
    env = {**PRODUCTION_ENV, "SECRET_KEY": NEW_KEY, "SECRET_KEY_FALLBACKS": fallbacks}
    settings = load(monkeypatch, "myproject.settings.production", **env)

    fallbacks_read = getattr(settings, "SECRET_KEY_FALLBACKS", [])  # Django's default
    assert fallbacks_read[:1] == [OLD_KEY]
    with override_settings(
        SECRET_KEY=settings.SECRET_KEY, SECRET_KEY_FALLBACKS=fallbacks_read
    ):
        assert signing.loads(value) == {"cart": 42}
        assert signing.loads(signing.dumps("new")) == "new"


def test_without_the_fallback_the_old_signature_is_refused(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Rotation with no fallback logs everyone out: the old signatures fail."""
    value = signed_with_the_old_key()
    env = {**PRODUCTION_ENV, "SECRET_KEY": NEW_KEY}
    settings = load(monkeypatch, "myproject.settings.production", **env)

    fallbacks_read = getattr(settings, "SECRET_KEY_FALLBACKS", [])  # Django's default
    assert fallbacks_read == []
    with override_settings(
        SECRET_KEY=settings.SECRET_KEY, SECRET_KEY_FALLBACKS=fallbacks_read
    ):
        with pytest.raises(signing.BadSignature):
            signing.loads(value)


def test_production_without_secret_key_says_how_to_make_one(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The message names the variable and gives a command that makes a good one."""
    with pytest.raises(ImproperlyConfigured, match="SECRET_KEY is not set") as error:
        load(monkeypatch, "myproject.settings.production", **without("SECRET_KEY"))
    assert "secrets.token_urlsafe(50)" in str(error.value)


@pytest.mark.parametrize("key", ["short", "django-insecure-" + "x" * 50])
def test_production_rejects_a_weak_secret_key(
    monkeypatch: pytest.MonkeyPatch, key: str
) -> None:
    env = {**PRODUCTION_ENV, "SECRET_KEY": key}
    with pytest.raises(ImproperlyConfigured, match="SECRET_KEY is too short"):
        load(monkeypatch, "myproject.settings.production", **env)


def test_production_without_allowed_hosts_fails(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    with pytest.raises(ImproperlyConfigured, match="ALLOWED_HOSTS is not set"):
        load(monkeypatch, "myproject.settings.production", **without("ALLOWED_HOSTS"))


def test_production_rejects_a_url_in_allowed_hosts(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    env = {**PRODUCTION_ENV, "ALLOWED_HOSTS": "https://example.com"}
    with pytest.raises(ImproperlyConfigured, match="no scheme, no path"):
        load(monkeypatch, "myproject.settings.production", **env)


def test_production_without_database_url_fails(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Production never falls back to SQLite."""
    with pytest.raises(ImproperlyConfigured, match="DATABASE_URL is not set"):
        load(monkeypatch, "myproject.settings.production", **without("DATABASE_URL"))


@pytest.mark.parametrize(
    "url",
    [
        "db.internal:5432/shop",  # no scheme
        "postgres//app@db/shop",  # no scheme either
        "mysql:app@db/shop",  # no //
        "oracle://app@db/shop",  # not a supported database
        # pragma: allowlist nextline secret
        "postgresql://app:secret@db.internal:port/shop",  # port is not a number
        # pragma: allowlist nextline secret
        "postgresql://app:secret@db.internal:5432",  # no database name
    ],
)
def test_malformed_database_url_names_the_expected_form(
    monkeypatch: pytest.MonkeyPatch, url: str
) -> None:
    """The message shows the form, never the value (it may hold a password)."""
    with pytest.raises(ImproperlyConfigured, match="DATABASE_URL is malformed") as e:
        load(monkeypatch, "myproject.settings.base", DATABASE_URL=url)
    # pragma: allowlist nextline secret
    assert "postgresql://USER:PASSWORD@HOST:5432/NAME" in str(e.value)
    assert "secret" not in str(e.value)


@pytest.mark.parametrize(
    ("url", "engine"),
    [
        ("postgresql://postgres@127.0.0.1:5432/postgres", "postgresql"),
        ("mysql://root@127.0.0.1:3306/test", "mysql"),
        ("sqlite:////tmp/shop.sqlite3", "sqlite3"),
    ],
)
def test_database_url_selects_the_backend(
    monkeypatch: pytest.MonkeyPatch, url: str, engine: str
) -> None:
    settings = load(monkeypatch, "myproject.settings.base", DATABASE_URL=url)
    assert settings.DATABASES["default"]["ENGINE"] == f"django.db.backends.{engine}"


def test_development_works_with_no_environment_at_all(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A fresh clone runs: debug on, a dev-only key, localhost, a SQLite file."""
    settings = load(monkeypatch, "myproject.settings.development")

    assert settings.DEBUG is True
    assert settings.SECRET_KEY.startswith("django-insecure-")
    assert "localhost" in settings.ALLOWED_HOSTS
    assert settings.DATABASES["default"]["NAME"] == BASE_DIR / "db.sqlite3"


def test_debug_is_parsed_as_a_boolean(monkeypatch: pytest.MonkeyPatch) -> None:
    settings = load(monkeypatch, "myproject.settings.development", DEBUG="False")
    assert settings.DEBUG is False


def run_manage(
    args: list[str], env: dict[str, str], cwd: Path = BASE_DIR
) -> subprocess.CompletedProcess[str]:
    """Run manage.py as a reader would, with these variables set."""
    hidden = [*VARIABLES, "DJANGO_SETTINGS_MODULE"]  # manage.py picks its default
    environment = {k: v for k, v in os.environ.items() if k not in hidden}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=cwd,
        env={**environment, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_missing_secret_key_is_one_clear_line_not_a_traceback() -> None:
    env = {**without("SECRET_KEY"), "SECRET_KEY": ""}
    result = run_manage(["check", "--settings=myproject.settings.production"], env)

    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        "ImproperlyConfigured: SECRET_KEY is not set: production needs a long random"
        " value, e.g. python -c 'import secrets; print(secrets.token_urlsafe(50))'"
    ]


def test_production_passes_the_deployment_checklist() -> None:
    """manage.py check --deploy finds nothing, warnings included."""
    result = run_manage(
        ["check", "--deploy", "--fail-level", "WARNING"]
        + ["--settings=myproject.settings.production"],
        {**PRODUCTION_ENV, "DEBUG": "False", "SECURE_SSL_REDIRECT": "True"},
    )

    assert result.returncode == 0, result.stderr
    # W005 and W021 (HSTS subdomains and preload) are silenced, with the reason why.
    assert "System check identified no issues (2 silenced)." in result.stdout


def test_only_the_two_hsts_decisions_are_silenced() -> None:
    """HSTS turned off (max-age 0) still fails the gate: W004 is not silenced
    (W005 and W021 are then not raised at all, so nothing is silenced)."""
    result = run_manage(
        ["check", "--deploy", "--fail-level", "WARNING"]
        + ["--settings=myproject.settings.production"],
        {**PRODUCTION_ENV, "SECURE_HSTS_SECONDS": "0"},
    )

    assert result.returncode == 1
    assert "(security.W004)" in result.stderr
    assert "System check identified 1 issue (0 silenced)." in result.stderr


def test_a_dot_env_file_next_to_manage_py_is_read(tmp_path: Path) -> None:
    """.env feeds the settings; a variable set in the environment wins over it."""
    ignore = shutil.ignore_patterns("__pycache__", "tests")
    for name in ("apps", "myproject"):
        shutil.copytree(BASE_DIR / name, tmp_path / name, ignore=ignore)
    shutil.copy(BASE_DIR / "manage.py", tmp_path)
    (tmp_path / ".env").write_text("ALLOWED_HOSTS=from-dotenv.example\nDEBUG=on\n")

    result = run_manage(["diffsettings", "--all"], {"DEBUG": "off"}, cwd=tmp_path)

    assert result.returncode == 0, result.stderr
    assert "ALLOWED_HOSTS = ['from-dotenv.example']" in result.stdout
    assert "DEBUG = False" in result.stdout


def test_development_prints_email_unless_a_mail_server_is_named(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    printed = load(monkeypatch, "myproject.settings.development")
    assert printed.EMAIL_BACKEND == "django.core.mail.backends.console.EmailBackend"

    sent = load(
        monkeypatch, "myproject.settings.development", EMAIL_URL="smtp://127.0.0.1:2525"
    )
    assert sent.EMAIL_BACKEND == "django.core.mail.backends.smtp.EmailBackend"
    assert (sent.EMAIL_HOST, sent.EMAIL_PORT) == ("127.0.0.1", 2525)


def test_new_products_are_announced_to_the_managers(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    settings = load(monkeypatch, "myproject.settings.base", MANAGERS="shop@example.com")
    assert settings.MANAGERS == [("shop@example.com", "shop@example.com")]


def test_redis_is_the_cache_and_the_queue_when_named(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    settings = load(
        monkeypatch,
        "myproject.settings.base",
        CACHE_URL="redis://127.0.0.1:6380/1",
        CELERY_BROKER_URL="redis://127.0.0.1:6380/0",
    )

    assert settings.CACHES["default"] == {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://127.0.0.1:6380/1",
    }
    assert settings.CELERY_BROKER_URL == "redis://127.0.0.1:6380/0"
    assert settings.CELERY_TASK_ALWAYS_EAGER is False


def test_without_redis_nothing_is_cached_and_tasks_run_at_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    settings = load(monkeypatch, "myproject.settings.base")

    backend = settings.CACHES["default"]["BACKEND"]
    assert backend == "django.core.cache.backends.dummy.DummyCache"
    assert settings.CELERY_TASK_ALWAYS_EAGER is True
