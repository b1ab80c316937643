"""A real SMTP server on loopback (aiosmtpd) that keeps every message it accepts."""

import asyncio
import email
import threading
import time
from email import policy

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP

from tests.helpers import free_port

ACCEPTED = "250 Message accepted for delivery"


class Mailbox:
    """`with Mailbox() as box:` serves SMTP on 127.0.0.1:`box.port`; `refuse` holds
    addresses answered with 550 (no such user). `late`: seconds every answer (EHLO, MAIL,
    RCPT, DATA, QUIT) waits, like a slow or far-away server. `before_answer`: functions called
    once, when a command arrived and before the server answers it: {"DATA": f} when the server has the
    whole message (kept whatever f does), {"QUIT": f} when the client says goodbye."""

    def __init__(self, late: float = 0.0):
        self.messages: list[email.message.EmailMessage] = []
        self.answered_at: list[float] = []  # time.monotonic() its 250 was written, each
        self.refuse: set[str] = set()
        self.late = late
        self.before_answer = {}
        self._lock = threading.Lock()
        self.port = free_port()
        self._controller = _Controller(self, hostname="127.0.0.1", port=self.port)

    def __enter__(self):
        self._controller.start()
        return self

    def __exit__(self, *exc):
        self._controller.stop()

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        await asyncio.sleep(self.late)
        session.host_name = hostname
        return responses

    async def handle_MAIL(self, server, session, envelope, address, mail_options):
        await asyncio.sleep(self.late)
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 OK"

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        await asyncio.sleep(self.late)
        if address in self.refuse:
            return "550 5.1.1 no such user here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=policy.default)
        self._before_answer("DATA")
        await asyncio.sleep(self.late)
        with self._lock:
            self.messages.append(message)
            self.answered_at.append(None)
            session.answering = len(self.messages) - 1
        return ACCEPTED

    def answered(self, session) -> None:
        """The 250 to the session's message left for the client (which may be gone)."""
        with self._lock:
            self.answered_at[session.answering] = time.monotonic()

    async def handle_QUIT(self, server, session, envelope):
        self._before_answer("QUIT")
        await asyncio.sleep(self.late)
        return "221 Bye"

    def _before_answer(self, command: str) -> None:
        call = self.before_answer.pop(command, None)  # once
        if call:
            call()

    def accepted(self) -> list[tuple[email.message.EmailMessage, float]]:
        """Every message accepted so far with the time.monotonic() its 250 was written."""
        with self._lock:
            return list(zip(self.messages, self.answered_at, strict=True))

    def to(self, address: str) -> list:
        with self._lock:
            return [m for m in self.messages if m["To"] == address]

    def wait_for(self, count: int, timeout: float = 10.0) -> list:
        """The messages once at least `count` arrived (or the timeout passed)."""
        deadline = time.monotonic() + timeout
        while len(self.messages) < count and time.monotonic() < deadline:
            time.sleep(0.05)
        with self._lock:
            return list(self.messages)


class _Server(SMTP):
    """aiosmtpd's server, telling the mailbox when a 250 to DATA has been written."""

    async def push(self, status) -> None:
        try:
            await super().push(status)
        finally:
            if status == ACCEPTED:
                self.event_handler.answered(self.session)


class _Controller(Controller):
    def factory(self):
        return _Server(self.handler, **self.SMTP_kwargs)


def plain_text(mail) -> str:
    """The plain-text part of a received mail, with plain line ends."""
    return mail.get_body(("plain",)).get_content().replace("\r\n", "\n")
