"""Configuration, read once from DRILLHUB_* environment variables."""

import ipaddress
import os
import secrets
import socket
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from drillhub.clients import Network

PROJECT_ROOT = Path(__file__).resolve().parents[2]
ENVIRONMENTS = ("development", "test", "production")


class SettingsError(ValueError):
    """A DRILLHUB_* variable is missing or malformed."""


@dataclass(frozen=True)
class Settings:
    env: str = "development"
    database_url: str = f"sqlite:///{PROJECT_ROOT / 'var' / 'drillhub.sqlite3'}"
    secret_key: str = ""
    host: str = "127.0.0.1"
    port: int = 8000
    workers: int = 1
    stream_seconds: int = 300  # a live page's event stream is closed after this long; the browser reconnects
    session_idle_minutes: int = 30
    session_max_hours: int = 12
    trusted_proxies: tuple[Network, ...] = (ipaddress.ip_network("127.0.0.1"),)
    scenarios_dir: str = str(PROJECT_ROOT / "scenarios")
    public_url: str = "http://127.0.0.1:8000"  # unset: where this server listens (public_url_for)
    public_url_given: bool = False  # DRILLHUB_PUBLIC_URL was set (`drillhub check` warns in production if not)
    mail_from: str = "drillhub@localhost"
    smtp_host: str = ""  # empty: e-mail is not sent; admins read the outbox in the app
    smtp_port: int = 587
    smtp_username: str = ""
    smtp_password: str = ""
    smtp_starttls: bool = True
    badge_key: str = ""  # a private Ed25519 JWK signing Open Badges credentials; empty: var/badge-key.jwk
    xapi_endpoint: str = ""  # a learning record store's xAPI endpoint; empty: statements wait, admins download them
    xapi_key: str = ""
    xapi_secret: str = ""

    @property
    def smtp_configured(self) -> bool:
        return bool(self.smtp_host)

    @property
    def xapi_configured(self) -> bool:
        return bool(self.xapi_endpoint)

    @property
    def production(self) -> bool:
        return self.env == "production"

    @property
    def secure_cookies(self) -> bool:
        """Cookies carry Secure everywhere but on a developer's or test machine's plain http."""
        return self.production

    @property
    def session_cookie(self) -> str:
        """The __Host- prefix makes browsers refuse the cookie unless it is Secure and host-only."""
        return "__Host-drillhub-session" if self.secure_cookies else "drillhub-session"

    @property
    def csrf_cookie(self) -> str:
        """The browser's CSRF binding before sign-in (auth/csrf.py); __Host- as for the session cookie."""
        return "__Host-drillhub-csrf" if self.secure_cookies else "drillhub-csrf"

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite:")


def _int(environ: Mapping[str, str], name: str, default: int, minimum: int = 1) -> int:
    raw = environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise SettingsError(f"{name} must be a whole number, not {raw!r}") from None
    if value < minimum:
        raise SettingsError(f"{name} must be at least {minimum}, not {value}")
    return value


def _networks(environ: Mapping[str, str], name: str, default: tuple[Network, ...]) -> tuple[Network, ...]:
    """Comma-separated addresses and networks (10.0.0.5, 10.0.0.0/8, ::1); empty: none at all."""
    raw = environ.get(name)
    if raw is None:
        return default
    networks = []
    for entry in filter(None, (part.strip() for part in raw.split(","))):
        if entry == "*":
            raise SettingsError(
                f"{name} may not be *: that would believe every client's X-Forwarded-For, so anyone could choose "
                "the address the audit log records and the sign-in throttles count. List your proxies' addresses "
                "or networks instead (e.g. 10.0.0.0/8)."
            )
        try:
            networks.append(ipaddress.ip_network(entry))
        except ValueError as error:
            raise SettingsError(f"{name}: {entry!r} is not an address or a network ({error})") from None
    return tuple(networks)


def public_url_for(host: str, port: int) -> str:
    """Where this server is reached when DRILLHUB_PUBLIC_URL is unset: the address and port it listens
    on, or the machine's name when it listens on every address."""
    if host in ("", "0.0.0.0", "::"):
        host = socket.getfqdn()
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"


_in_use: Settings | None = None


def use_settings(settings: Settings) -> Settings:
    """The settings services read from now on in this process: create_app's, or the command line's."""
    global _in_use
    _in_use = settings
    return settings


def settings_in_use() -> Settings:
    """The settings this process's app (or command) was made with; services never read the environment
    themselves, so the Settings given to create_app are the ones that count."""
    if _in_use is None:
        raise RuntimeError("No settings in use yet: create_app() or the drillhub command sets them.")
    return _in_use


def _development_secret() -> str:
    """A per-checkout secret kept in var/, so every local worker process signs alike."""
    path = PROJECT_ROOT / "var" / "secret-key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(48))
        path.chmod(0o600)
    return path.read_text().strip()


def load_settings(environ: Mapping[str, str] = os.environ) -> Settings:
    env = environ.get("DRILLHUB_ENV", "development")
    if env not in ENVIRONMENTS:
        raise SettingsError(f"DRILLHUB_ENV must be one of {', '.join(ENVIRONMENTS)}, not {env!r}")
    database_url = environ.get("DRILLHUB_DATABASE_URL") or Settings.database_url
    if not database_url.startswith(("sqlite:///", "postgresql://", "postgres://")):
        raise SettingsError(
            "DRILLHUB_DATABASE_URL must start with sqlite:/// or postgresql://"
        )
    secret_key = environ.get("DRILLHUB_SECRET_KEY", "")
    if not secret_key:
        if env == "production":
            raise SettingsError("DRILLHUB_SECRET_KEY must be set in production")
        secret_key = _development_secret()
    if len(secret_key) < 32:
        raise SettingsError("DRILLHUB_SECRET_KEY must be at least 32 characters")
    host, port = environ.get("DRILLHUB_HOST") or Settings.host, _int(environ, "DRILLHUB_PORT", Settings.port)
    public_url = environ.get("DRILLHUB_PUBLIC_URL", "").strip().rstrip("/")
    return Settings(
        env=env,
        database_url=database_url,
        secret_key=secret_key,
        host=host,
        port=port,
        workers=_int(environ, "DRILLHUB_WORKERS", Settings.workers),
        stream_seconds=_int(environ, "DRILLHUB_STREAM_SECONDS", Settings.stream_seconds),
        session_idle_minutes=_int(environ, "DRILLHUB_SESSION_IDLE_MINUTES", 30),
        session_max_hours=_int(environ, "DRILLHUB_SESSION_MAX_HOURS", 12),
        trusted_proxies=_networks(environ, "DRILLHUB_TRUSTED_PROXIES", Settings.trusted_proxies),
        scenarios_dir=environ.get("DRILLHUB_SCENARIOS_DIR", Settings.scenarios_dir),
        public_url=public_url or public_url_for(host, port),
        public_url_given=bool(public_url),
        mail_from=environ.get("DRILLHUB_MAIL_FROM", Settings.mail_from),
        smtp_host=environ.get("DRILLHUB_SMTP_HOST", ""),
        smtp_port=_int(environ, "DRILLHUB_SMTP_PORT", 587),
        smtp_username=environ.get("DRILLHUB_SMTP_USERNAME", ""),
        smtp_password=environ.get("DRILLHUB_SMTP_PASSWORD", ""),
        smtp_starttls=environ.get("DRILLHUB_SMTP_STARTTLS", "true").lower() not in ("0", "false", "no"),
        badge_key=environ.get("DRILLHUB_BADGE_KEY", "").strip(),
        xapi_endpoint=environ.get("DRILLHUB_XAPI_ENDPOINT", "").strip(),
        xapi_key=environ.get("DRILLHUB_XAPI_KEY", ""),
        xapi_secret=environ.get("DRILLHUB_XAPI_SECRET", ""),
    )
