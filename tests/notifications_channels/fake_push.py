"""A local stand-in for a web push service (RFC 8030) on 127.0.0.1, and browsers that
subscribe to it, started by the test that needs them.

Like a real push service it refuses a request whose VAPID token (RFC 8292) is not signed by
the key the browser subscribed with, or names another audience; unlike one, it also holds
each browser's private key and decrypts the aes128gcm payload (RFC 8291), so a test reads
what the phone would show. It answers 201, or what the test set for a browser: 410 (gone),
429 with a Retry-After, 413, 503.
"""

import base64
import json
import threading
import time
import uuid
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import http_ece
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

from notifications.vapid import new_key_pair


def b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def unb64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@dataclass
class Browser:
    """A browser's push subscription: its own P-256 key pair and auth secret."""

    endpoint: str
    key: ec.EllipticCurvePrivateKey = field(default_factory=lambda: ec.generate_private_key(ec.SECP256R1()))
    auth: bytes = field(default_factory=lambda: uuid.uuid4().bytes)

    @property
    def p256dh(self) -> str:
        return b64url(self.key.public_key().public_bytes(serialization.Encoding.X962,
                                                         serialization.PublicFormat.UncompressedPoint))

    def to_json(self) -> dict:
        """What `PushSubscription.toJSON()` gives the page."""
        return {"endpoint": self.endpoint, "expirationTime": None, "keys": {"p256dh": self.p256dh,
                                                                            "auth": b64url(self.auth)}}


def vapid_error(authorization: str, *, public_key: str, audience: str) -> str:
    """Why a VAPID Authorization header is refused ("" if it is good)."""
    scheme, _, rest = authorization.partition(" ")
    params = dict(part.strip().split("=", 1) for part in rest.split(",") if "=" in part)
    if scheme != "vapid" or "t" not in params or "k" not in params:
        return "not a vapid header"
    if params["k"] != public_key:
        return "not the key the browser subscribed with"
    header, claims, signature = params["t"].split(".")
    if json.loads(unb64url(header)) != {"typ": "JWT", "alg": "ES256"}:
        return "not an ES256 token"
    raw = unb64url(signature)
    point = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), unb64url(public_key))
    try:
        point.verify(encode_dss_signature(int.from_bytes(raw[:32], "big"), int.from_bytes(raw[32:], "big")),
                     f"{header}.{claims}".encode(), ec.ECDSA(hashes.SHA256()))
    except InvalidSignature:
        return "bad signature"
    claims = json.loads(unb64url(claims))
    if claims.get("aud") != audience:
        return f"audience {claims.get('aud')!r}"
    if not time.time() < claims.get("exp", 0) <= time.time() + 24 * 3600:
        return "expiry not within 24 hours"
    if not str(claims.get("sub", "")).startswith(("mailto:", "https:")):
        return "no subject"
    return ""


class FakePushService:
    def __init__(self):
        self.public_key, self.private_key = new_key_pair()  # the site's VAPID pair, for the settings
        self.browsers: dict[str, Browser] = {}  # path -> browser
        self.answers: dict[str, tuple[int, dict]] = {}  # path -> (HTTP status, headers)
        self.pushes: list[dict] = []  # accepted: headers and the decrypted payload
        self.refused: list[str] = []  # requests refused for their VAPID token
        self.requests = 0
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                fake.requests += 1
                status, headers = fake.handle(self.path, self.headers, body)
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.origin = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.lock = threading.Lock()

    def start(self) -> "FakePushService":
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def browser(self) -> Browser:
        path = f"/push/{uuid.uuid4().hex}"
        self.browsers[path] = Browser(endpoint=self.origin + path)
        return self.browsers[path]

    def answer(self, browser: Browser, status: int, **headers: str) -> None:
        self.answers[browser.endpoint.removeprefix(self.origin)] = (status, headers)

    def handle(self, path: str, headers, body: bytes) -> tuple[int, dict]:
        """`headers`: the request's, read without regard to case (the client sends them lower-case)."""
        browser = self.browsers.get(path)
        if browser is None:
            return 404, {}
        refused = vapid_error(headers.get("Authorization", ""), public_key=self.public_key, audience=self.origin)
        if refused or "TTL" not in headers:
            with self.lock:
                self.refused.append(refused or "no TTL")
            return 403, {}
        if path in self.answers:
            return self.answers[path]
        assert headers.get("Content-Encoding") == "aes128gcm"
        plain = http_ece.decrypt(body, private_key=browser.key, auth_secret=browser.auth, version="aes128gcm")
        with self.lock:
            self.pushes.append({"browser": browser.endpoint, "size": len(body), "ttl": headers["TTL"],
                                "topic": headers.get("Topic"), "urgency": headers.get("Urgency"),
                                "payload": json.loads(plain)})
        return 201, {"Location": f"{self.origin}/message/{uuid.uuid4().hex}"}
