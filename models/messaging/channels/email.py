"""Email through a real SMTP server (MAIL_* settings), as text and HTML.

The Message-ID is built from the delivery key, so a message sent twice (the worker died
between the server's acceptance and marking the delivery sent) carries the same Message-ID
both times and mail software can drop the copy.
"""

import smtplib
import ssl
from email.message import EmailMessage
from email.utils import formataddr, formatdate

from flask import current_app, render_template
from flask_babel import force_locale


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


def send_email(delivery) -> None:
    """Hand the delivery's email to the SMTP server; raise EmailError if it was not accepted."""
    config = current_app.config
    message = build_message(delivery)
    server = smtplib.SMTP_SSL if config["MAIL_USE_SSL"] else smtplib.SMTP
    options = {"context": ssl.create_default_context()} if config["MAIL_USE_SSL"] else {}
    try:
        with server(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=30, **options) as smtp:
            if config["MAIL_USE_TLS"]:
                smtp.starttls(context=ssl.create_default_context())
            if config["MAIL_USERNAME"]:
                smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
            smtp.send_message(message)
    except smtplib.SMTPRecipientsRefused as error:
        reasons = "; ".join(
            f"{code} {text.decode(errors='replace')}" for code, text in error.recipients.values()
        )
        raise EmailError(f"refused {delivery.recipient}: {reasons}", permanent=True) from error
    except (smtplib.SMTPException, OSError) as error:
        raise EmailError(f"{type(error).__name__}: {error}") from error
