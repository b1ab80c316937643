"""Email, as text and HTML, through the backend `MAIL_BACKEND` names:

- `smtp` (the default): a real SMTP server (MAIL_* settings).
- `dev` (`make run` and `make dev` when MAIL_SERVER is not set): nothing leaves the machine;
  each message is kept in `MAIL_DEV_DIR` (models/messaging/channels/dev_mail.py) and shown to admins at /dev/mail.

`send_email` calls `on_accepted()` the moment the message is accepted: for SMTP when the server
answered 250 to DATA, before QUIT, so the caller marks the delivery sent before anything else
can go wrong. The Message-ID is built from the delivery key, so a message sent twice (the
worker died between the acceptance and the mark) carries the same Message-ID both times and
mail software can drop the copy.
"""

import smtplib
import ssl
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from email.message import EmailMessage
from email.utils import formataddr, formatdate

from flask import current_app, render_template
from flask_babel import force_locale

from models.messaging.channels.dev_mail import keep_mail


class EmailError(Exception):
    """Not sent. `permanent`: the server refused the address, trying again cannot help."""

    def __init__(self, reason: str, *, permanent: bool = False):
        super().__init__(reason)
        self.reason = reason
        self.permanent = permanent


def build_message(delivery) -> EmailMessage:
    """The email for a delivery (recipient, subject, body, link, locale, delivery_key)."""
    config = current_app.config
    sender = config["MAIL_FROM"]
    message = EmailMessage()
    message["Subject"] = delivery.subject
    message["From"] = formataddr((config["SHOP_NAME"], sender))
    message["To"] = delivery.recipient
    message["Date"] = formatdate(localtime=False)
    domain = sender.rpartition("@")[2] or "localhost"
    message["Message-ID"] = f"<{delivery.delivery_key}@{domain}>"
    page = {"subject": delivery.subject, "body": delivery.body, "link": delivery.link}
    with force_locale(delivery.locale):
        message.set_content(render_template("email/message.txt", **page))
        message.add_alternative(render_template("email/message.html", **page), subtype="html")
    return message


def send_email(delivery, on_accepted: Callable[[], None]) -> None:
    """Hand the delivery's email to the mail backend and call `on_accepted()` as soon as it was
    accepted; raise EmailError if it was not."""
    message, backend = build_message(delivery), current_app.config["MAIL_BACKEND"]
    if backend == "smtp":
        _send_smtp(message, delivery.recipient, on_accepted)
    elif backend == "dev":
        _keep(message, delivery.delivery_key, on_accepted)
    else:
        raise EmailError(f"Unknown MAIL_BACKEND {backend!r}; use 'smtp' or 'dev'", permanent=True)


def _send_smtp(message: EmailMessage, recipient: str, on_accepted: Callable[[], None]) -> None:
    try:
        with _smtp_session(current_app.config) as smtp:
            smtp.send_message(message)  # returns on the server's 250 to DATA
            on_accepted()
    except smtplib.SMTPRecipientsRefused as error:
        reasons = "; ".join(
            f"{code} {text.decode(errors='replace')}" for code, text in error.recipients.values()
        )
        raise EmailError(f"refused {recipient}: {reasons}", permanent=True) from error
    except (smtplib.SMTPException, OSError) as error:
        raise EmailError(f"{type(error).__name__}: {error}") from error


def _keep(message: EmailMessage, key: str, on_accepted: Callable[[], None]) -> None:
    folder = current_app.config["MAIL_DEV_DIR"]
    try:
        keep_mail(folder, message, key=key)
    except OSError as error:
        raise EmailError(f"cannot keep the email in {folder}: {error}") from error
    on_accepted()


@contextmanager
def _smtp_session(config) -> Iterator[smtplib.SMTP]:
    """A connection to the SMTP server with TLS and login done, said goodbye to (QUIT) at the
    end whatever happened: by then the message was accepted or refused, so a QUIT that fails
    changes nothing and is not an error."""
    ssl_from_start = config["MAIL_USE_SSL"]
    server = smtplib.SMTP_SSL if ssl_from_start else smtplib.SMTP
    options = {"context": ssl.create_default_context()} if ssl_from_start else {}
    smtp = server(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=30, **options)
    try:
        if config["MAIL_USE_TLS"]:
            smtp.starttls(context=ssl.create_default_context())
        if config["MAIL_USERNAME"]:
            smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
        yield smtp
    finally:
        try:
            smtp.quit()
        except (smtplib.SMTPException, OSError):
            smtp.close()
