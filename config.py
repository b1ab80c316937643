"""Settings from environment variables, with defaults that work on a fresh clone."""

import os
import secrets
from datetime import timedelta
from pathlib import Path

from models.db import BUSY_TIMEOUT_MS, LOCK_TIMEOUT_MS, STATEMENT_TIMEOUT_MS

INSTANCE_DIR = Path(__file__).resolve().parent / "instance"


def _secret_key(instance_dir: Path) -> str:
    """Use SECRET_KEY, or a key generated once and kept in instance/ (never committed)."""
    if os.environ.get("SECRET_KEY"):
        return os.environ["SECRET_KEY"]
    path = instance_dir / "secret_key"
    if not path.exists():
        instance_dir.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()


def _flag(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _text_or_file(name: str) -> str:
    """A key given in NAME itself, or in the file NAME_PATH names."""
    if os.environ.get(name):
        return os.environ[name]
    path = os.environ.get(f"{name}_PATH")
    return Path(path).read_text() if path else ""


def from_environment(instance_dir: Path = INSTANCE_DIR) -> dict:
    """Build the Flask config mapping from the process environment."""
    env = os.environ.get
    return {
        "SECRET_KEY": _secret_key(instance_dir),
        "DATABASE_URL": env("DATABASE_URL", f"sqlite:///{instance_dir / 'jielong.db'}"),
        "HUEY_URL": env("HUEY_URL", f"sqlite:///{instance_dir / 'huey.db'}"),
        # How long a statement waits on a lock, or runs, before the page answers 503
        # (docs/security.md, "Timeouts"); the defaults are in models/db.py.
        "DB_LOCK_TIMEOUT_MS": int(env("DB_LOCK_TIMEOUT_MS", str(LOCK_TIMEOUT_MS))),
        "DB_STATEMENT_TIMEOUT_MS": int(env("DB_STATEMENT_TIMEOUT_MS", str(STATEMENT_TIMEOUT_MS))),
        "DB_BUSY_TIMEOUT_MS": int(env("DB_BUSY_TIMEOUT_MS", str(BUSY_TIMEOUT_MS))),
        "RATELIMIT_STORAGE_URI": env("RATELIMIT_STORAGE_URI", "memory://"),
        "SHOP_NAME": env("SHOP_NAME", "Jielong"),
        "SHOP_TIMEZONE": env("SHOP_TIMEZONE", "Asia/Shanghai"),
        "SHOP_CURRENCY": env("SHOP_CURRENCY", "CNY"),
        "SHOP_PHONE_REGION": env("SHOP_PHONE_REGION", "CN"),
        # After-sales case numbers read SH-000123 (docs/after-sales.md).
        "CASE_NUMBER_PREFIX": env("CASE_NUMBER_PREFIX", "SH"),
        # A case not answered within this many hours is overdue (red on the queue).
        "AFTERSALES_ANSWER_HOURS": int(env("AFTERSALES_ANSWER_HOURS", "24")),
        "DEFAULT_LOCALE": env("DEFAULT_LOCALE", "zh_CN"),
        # smtp sends through MAIL_SERVER; dev keeps the mails in MAIL_DEV_DIR for /dev/mail
        # (`make run` and `make dev` choose dev when MAIL_SERVER is not set).
        "MAIL_BACKEND": env("MAIL_BACKEND", "smtp"),
        "MAIL_DEV_DIR": env("MAIL_DEV_DIR", str(instance_dir / "dev-mail")),
        "MAIL_SERVER": env("MAIL_SERVER", "127.0.0.1"),
        "MAIL_PORT": int(env("MAIL_PORT", "25")),
        "MAIL_USERNAME": env("MAIL_USERNAME", ""),
        "MAIL_PASSWORD": env("MAIL_PASSWORD", ""),
        "MAIL_USE_TLS": _flag("MAIL_USE_TLS", False),
        "MAIL_FROM": env("MAIL_FROM", "jielong@localhost"),
        "MAIL_USE_SSL": _flag("MAIL_USE_SSL", False),
        "PUBLIC_URL": env("PUBLIC_URL", "http://127.0.0.1:5000"),  # links in messages
        # The outbox and its deliveries (docs/notifications.md); the pause is for tests only.
        "OUTBOX_MAX_ATTEMPTS": int(env("OUTBOX_MAX_ATTEMPTS", "6")),
        "OUTBOX_RETRY_SECONDS": float(env("OUTBOX_RETRY_SECONDS", "60")),
        "STOCK_LOW_UNITS": int(env("STOCK_LOW_UNITS", "5")),
        "BATCH_NEAR_EXPIRY_DAYS": int(env("BATCH_NEAR_EXPIRY_DAYS", "3")),
        "METRICS_TOKEN": env("METRICS_TOKEN", ""),
        "LOG_FORMAT": env("LOG_FORMAT", "text"),
        "OUTBOX_LEASE_SECONDS": float(env("OUTBOX_LEASE_SECONDS", "300")),
        "OUTBOX_SWEEP_SECONDS": float(env("OUTBOX_SWEEP_SECONDS", "0")),
        # Messages to a segment: at most this many become due per minute (docs/customers.md).
        "SEGMENT_MESSAGES_PER_MINUTE": int(env("SEGMENT_MESSAGES_PER_MINUTE", "60")),
        "WORK_LOG_KEEP_DAYS": int(env("WORK_LOG_KEEP_DAYS", "90")),
        # product sheets of more rows are checked and imported in the background; uploads
        # previewed and never imported are deleted after this many hours (docs/products.md)
        "PRODUCT_IMPORT_BACKGROUND_ROWS": int(env("PRODUCT_IMPORT_BACKGROUND_ROWS", "500")),
        "SHEET_UPLOAD_KEEP_HOURS": int(env("SHEET_UPLOAD_KEEP_HOURS", "24")),
        "DAILY_SUMMARY_HOUR": int(env("DAILY_SUMMARY_HOUR", "21")),
        # The nightly backup: its folder, the hour (shop time) and what it keeps
        # (docs/operations.md).
        "BACKUP_DIR": env("BACKUP_DIR", str(instance_dir / "backups")),
        "BACKUP_HOUR": int(env("BACKUP_HOUR", "3")),
        "BACKUP_KEEP_DAILY": int(env("BACKUP_KEEP_DAILY", "7")),
        "BACKUP_KEEP_WEEKLY": int(env("BACKUP_KEEP_WEEKLY", "4")),
        # Customers with no order for this many months are anonymised once a day; 0 keeps them.
        "CUSTOMER_RETENTION_MONTHS": int(env("CUSTOMER_RETENTION_MONTHS", "0")),
        # An admin's notification text may write at most this much and take at most this long
        # (docs/notifications.md, "Limits of a text").
        "NOTICE_TEXT_MAX_CHARS": int(env("NOTICE_TEXT_MAX_CHARS", "10000")),
        "NOTICE_TEXT_MAX_MS": int(env("NOTICE_TEXT_MAX_MS", "500")),
        "DELIVERY_TEST_PAUSE_SECONDS": float(env("DELIVERY_TEST_PAUSE_SECONDS", "0")),
        "GROUP_SETTLE_TEST_PAUSE_SECONDS": float(env("GROUP_SETTLE_TEST_PAUSE_SECONDS", "0")),
        "SMS_BACKEND": env("SMS_BACKEND", "log"),
        "SMS_WEBHOOK_URL": env("SMS_WEBHOOK_URL", ""),
        "SMS_WEBHOOK_TOKEN": env("SMS_WEBHOOK_TOKEN", ""),
        "SMS_LOG_PATH": env("SMS_LOG_PATH", str(instance_dir / "dev-sms.jsonl")),
        # Uploaded images (models/uploads.py): collection QR codes, payment screenshots.
        "UPLOAD_FOLDER": env("UPLOAD_FOLDER", str(instance_dir / "uploads")),
        "UPLOAD_MAX_BYTES": int(env("UPLOAD_MAX_BYTES", str(8 * 1024 * 1024))),
        # Any request body: past it the answer is 413 before anything is read (6 photos of
        # UPLOAD_MAX_BYTES fit; a larger file among them is refused at its field, with a 422).
        "MAX_CONTENT_LENGTH": int(env("REQUEST_MAX_BYTES", str(64 * 1024 * 1024))),
        # /dev/… shows every kept text and mail, login codes included: only for admins, and
        # only when DEV_PAGES=1 (`make run`'s demo sets it).
        "DEV_PAGES": _flag("DEV_PAGES", False),
        # /reports is for admins; REPORTS_FOR_STAFF=1 lets staff open it too (docs/reports.md).
        "REPORTS_FOR_STAFF": _flag("REPORTS_FOR_STAFF", False),
        # Refunds are for admins; REFUNDS_BY_STAFF=1 lets staff refund too (docs/payments.md).
        "REFUNDS_BY_STAFF": _flag("REFUNDS_BY_STAFF", False),
        "MY_ORDERS_LIMIT": env("MY_ORDERS_LIMIT", "10 per 10 minutes"),
        "API_RATE_LIMIT": env("API_RATE_LIMIT", "600 per minute"),  # per token (/api/v1)
        "SESSION_COOKIE_SECURE": _flag("SECURE_COOKIES", True),
        "REMEMBER_COOKIE_SECURE": _flag("SECURE_COOKIES", True),
        # Sessions, remember me, sign-in throttling, proxies: docs/security.md.
        "REMEMBER_COOKIE_DURATION": timedelta(days=int(env("REMEMBER_DAYS", "30"))),
        "LOGIN_ATTEMPTS": env("LOGIN_ATTEMPTS", "5 per 15 minutes"),
        "LOGIN_ADDRESS_ATTEMPTS": env("LOGIN_ADDRESS_ATTEMPTS", "20 per 15 minutes"),
        "TRUSTED_PROXIES": int(env("TRUSTED_PROXIES", "0")),
        # Online payment providers (docs/payments-providers.md): a provider whose credentials
        # are missing is not offered. Empty gateways mean the real ones.
        "WECHATPAY_MCHID": env("WECHATPAY_MCHID", ""),
        "WECHATPAY_APPID": env("WECHATPAY_APPID", ""),
        "WECHATPAY_PRIVATE_KEY": _text_or_file("WECHATPAY_PRIVATE_KEY"),
        "WECHATPAY_CERT_SERIAL_NO": env("WECHATPAY_CERT_SERIAL_NO", ""),
        "WECHATPAY_APIV3_KEY": env("WECHATPAY_APIV3_KEY", ""),
        "WECHATPAY_CERT_DIR": env("WECHATPAY_CERT_DIR", str(instance_dir / "wechatpay-certs")),
        "WECHATPAY_PUBLIC_KEY": _text_or_file("WECHATPAY_PUBLIC_KEY"),
        "WECHATPAY_PUBLIC_KEY_ID": env("WECHATPAY_PUBLIC_KEY_ID", ""),
        "WECHATPAY_GATEWAY": env("WECHATPAY_GATEWAY", ""),
        # The official account's AppSecret: WeChat's sign-in, so JSAPI pays inside WeChat.
        "WECHAT_APP_SECRET": env("WECHAT_APP_SECRET", ""),
        "WECHAT_OAUTH_URL": env("WECHAT_OAUTH_URL", ""),
        "WECHAT_API_URL": env("WECHAT_API_URL", ""),
        "ALIPAY_APPID": env("ALIPAY_APPID", ""),
        "ALIPAY_PRIVATE_KEY": _text_or_file("ALIPAY_PRIVATE_KEY"),
        "ALIPAY_PUBLIC_KEY": _text_or_file("ALIPAY_PUBLIC_KEY"),
        "ALIPAY_GATEWAY": env("ALIPAY_GATEWAY", ""),
        "PAYMENT_GATEWAY_TIMEOUT": float(env("PAYMENT_GATEWAY_TIMEOUT", "10")),
    }
