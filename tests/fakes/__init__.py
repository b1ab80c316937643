"""Fake payment gateways on loopback that speak each provider's real protocol
(docs/payments-providers.md, "The fakes"), the keys and certificates they need, and a receiver
that stands for the shop's notify route."""

import base64
import contextlib
import datetime
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.x509.oid import NameOID

# handle(method, path with query, headers, body) -> (status, headers, body)
Handler = Callable[[str, str, dict, bytes], tuple[int, dict, bytes]]


class Server:
    """An HTTP server on 127.0.0.1, on a port the system picks free, in a thread."""

    def __init__(self, handle: Handler):
        class Request(BaseHTTPRequestHandler):
            def _answer(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                status, headers, reply = handle(self.command, self.path, dict(self.headers), body)
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(reply)))
                self.end_headers()
                # A caller that gave up waiting (a timeout test) has closed the connection.
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    self.wfile.write(reply)

            do_GET = do_POST = _answer

            def log_message(self, *args):
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Request)
        self._server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        ).start()

    def close(self):
        self._server.shutdown()
        self._server.server_close()


class Receiver(Server):
    """The shop's notify route in small: verifies each notification with the provider and
    answers as the provider's answer() says; keeps what it got (a Notification or an error)."""

    def __init__(self, provider):
        self.provider = provider
        self.received: list = []
        self._arrived = threading.Condition()
        super().__init__(self._receive)

    def _receive(self, method, path, headers, body):
        try:
            result = self.provider.verify_notification(headers, body)
        except Exception as error:
            result = error
        with self._arrived:
            self.received.append(result)
            self._arrived.notify_all()
        text, status, reply_headers = self.provider.answer(not isinstance(result, Exception))
        return status, reply_headers, text.encode()

    def wait_for(self, count: int, timeout: float = 10) -> list:
        """What arrived, once `count` notifications have (or the timeout passed)."""
        with self._arrived:
            self._arrived.wait_for(lambda: len(self.received) >= count, timeout)
            return list(self.received)


def rsa_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def private_pem(key: rsa.RSAPrivateKey) -> str:
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()


def public_pem(key: rsa.RSAPrivateKey) -> str:
    return (
        key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )


def certificate(key: rsa.RSAPrivateKey, common_name: str) -> x509.Certificate:
    """A self-signed certificate valid from yesterday for a year."""
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
    now = datetime.datetime.now(datetime.UTC)
    return (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=365))
        .sign(key, hashes.SHA256())
    )


def serial_hex(cert: x509.Certificate) -> str:
    """A certificate's serial number as WeChat Pay writes it."""
    return format(cert.serial_number, "X")


def sign(key: rsa.RSAPrivateKey, text: str) -> str:
    """SHA256withRSA (PKCS#1 v1.5) in base64: how both providers sign (WeChat's RSA, Alipay's RSA2)."""
    return base64.b64encode(key.sign(text.encode(), padding.PKCS1v15(), hashes.SHA256())).decode()


def signed(public_key, text: str, signature: str) -> bool:
    """Whether `signature` (base64 SHA256withRSA) is `text` signed with the key of `public_key`."""
    try:
        public_key.verify(
            base64.b64decode(signature), text.encode(), padding.PKCS1v15(), hashes.SHA256()
        )
    except (InvalidSignature, ValueError):
        return False
    return True


def later(seconds: float, action, *args, **kwargs) -> threading.Timer:
    """Do `action` after a while, in a thread: a late notification."""
    timer = threading.Timer(seconds, action, args, kwargs)
    timer.start()
    return timer
