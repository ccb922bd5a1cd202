"""Settings from the environment (DONDOC_*), loaded once at the edge and passed down."""
from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEV_SECRET = "dev-insecure-secret-change-me"


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

    @model_validator(mode="after")
    def _no_placeholder_secret_in_production(self) -> "Settings":
        if self.env == "production" and self.secret_key.get_secret_value() in (DEV_SECRET, ""):
            raise ValueError("DONDOC_SECRET_KEY must be set in production")
        return self


    def secret(self) -> str:
        """The signing key (kept a SecretStr so that repr and logs never show it)."""
        return self.secret_key.get_secret_value()

    def admin_list(self) -> list[str]:
        return [a.strip() for a in self.admin_emails.split(",") if a.strip()]


def load_settings() -> Settings:
    return Settings()
