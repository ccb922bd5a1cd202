"""Settings from the environment (DONDOC_*), loaded once at the edge and passed down."""
from __future__ import annotations

from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

from pydantic import SecretStr, ValidationError, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEV_SECRET = "dev-insecure-secret-change-me"
DEMO_PASSWORDS = ("admin-demo",)  # scripts/demo.sh's default: never accepted in production
MIN_SECRET_CHARS = 32
MIN_SECRET_DISTINCT = 12  # `secrets.token_urlsafe(32)` has ~30; "xxxx…" or "1234…" have few
DEV_HOSTS = ("127.0.0.1", "localhost", "[::1]", "testserver")


class SettingsError(ValueError):
    """A setting refused: one line, Vietnamese first, naming the variable."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="DONDOC_", extra="ignore")

    env: Literal["development", "production"] = "development"
    database_url: str = "sqlite:///dondoc.db"
    base_url: str = "http://127.0.0.1:8000"
    secret_key: SecretStr = SecretStr(DEV_SECRET)
    link_max_age_days: int = 30

    smtp_host: str = "127.0.0.1"
    smtp_port: int = 8025
    smtp_username: str | None = None
    smtp_password: SecretStr | None = None
    smtp_tls: Literal["none", "starttls", "tls"] = "none"
    smtp_timeout_s: float = 30.0
    mail_from: str = "dondoc <dondoc@localhost>"
    send_concurrency: int = 8
    send_rate_per_s: float = 200.0
    send_batch: int = 500
    capture_mail: bool = True  # embedded default: run a local capturing SMTP server

    send_claim_ttl_s: int = 300
    send_backoff_s: float = 60.0
    send_max_attempts: int = 8
    admin_emails: str = ""  # comma-separated: who gets the weekly summary

    sweep_batch: int = 5000
    sweep_cron: str = "30 7 * * mon-fri"
    sweep_interval_s: int | None = None  # overrides the cron (tests, demos)
    summary_cron: str = "0 8 * * mon"
    rollover_cron: str = "15 1 * * *"
    drafts_cron: str = "45 7 * * mon-fri"  # the compiled report drafts, after the morning sweep
    draft_days_before: int = 5  # working days before a reporting deadline the focal agency gets its draft
    lease_ttl_s: int = 30
    misfire_grace_s: int = 6 * 3600
    maildir: Path = Path("var/mail")
    send_interval_s: int = 60
    timezone: str = "Asia/Ho_Chi_Minh"

    # conversation along the chain (evidence files, coalesced link-holder emails)
    files_dir: Path = Path("var/files")
    max_upload_bytes: int = 10 * 1024 * 1024
    link_mail_window_minutes: int = 60  # at most one email per item and recipient in this window
    allowed_hosts: str = ""  # comma-separated Host names accepted besides DONDOC_BASE_URL's
    session_idle_minutes: int = 120
    session_max_hours: int = 12
    login_attempts_per_account: int = 5   # failed logins per account per login_window_minutes
    login_attempts_per_address: int = 20  # failed logins per client address per login_window_minutes
    login_window_minutes: int = 15
    import_timeout_s: float = 60.0
    import_memory_mb: int = 1024

    @model_validator(mode="after")
    def _production_needs_real_settings(self) -> Settings:
        if self.env == "production":
            problem = production_problem(self)
            if problem:
                raise ValueError(problem)
        return self

    def hosts(self) -> list[str]:
        """The Host names the web app answers: DONDOC_BASE_URL's, DONDOC_ALLOWED_HOSTS, and in development
        the local names."""
        names = [urlsplit(self.base_url).hostname or ""] + [h.strip() for h in self.allowed_hosts.split(",")]
        if self.env == "development":
            names += DEV_HOSTS
        return sorted({n for n in names if n})


    def secret(self) -> str:
        """The signing key (kept a SecretStr so that repr and logs never show it)."""
        return self.secret_key.get_secret_value()

    def admin_list(self) -> list[str]:
        return [a.strip() for a in self.admin_emails.split(",") if a.strip()]


def production_problem(settings: Settings) -> str:
    """Why these settings cannot run in production ("" when they can)."""
    secret = settings.secret_key.get_secret_value()
    if secret in (DEV_SECRET, ""):
        return "DONDOC_SECRET_KEY chưa đặt / must be set in production (e.g. python -c 'import secrets; print(secrets.token_urlsafe(32))')"
    if len(secret) < MIN_SECRET_CHARS or len(set(secret)) < MIN_SECRET_DISTINCT:
        return (f"DONDOC_SECRET_KEY quá ngắn hoặc dễ đoán / must be at least {MIN_SECRET_CHARS} random characters "
                "(python -c 'import secrets; print(secrets.token_urlsafe(32))')")
    if "base_url" not in settings.model_fields_set:
        return "DONDOC_BASE_URL chưa đặt / must be set in production (the address in emailed links, e.g. https://dondoc.example.vn)"
    if not settings.base_url.startswith(("https://", "http://")) or not urlsplit(settings.base_url).hostname:
        return f"DONDOC_BASE_URL '{settings.base_url}' không phải địa chỉ http(s) / must be an http(s) URL"
    return ""


def load_settings() -> Settings:
    """The settings of the environment; SettingsError (one line) when refused."""
    try:
        return Settings()
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        message = str(first["msg"]).removeprefix("Value error, ")
        variable = f"DONDOC_{where.upper()}: " if where else ""
        raise SettingsError(f"Cấu hình môi trường bị từ chối / settings refused: {variable}{message}") from None
