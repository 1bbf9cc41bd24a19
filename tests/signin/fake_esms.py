"""A local stand-in for eSMS.vn's JSON API on 127.0.0.1, started by the test that needs it.

It records every request body and answers 100 (accepted), or what the test set for a number:
an eSMS error code, or an HTTP status (429, 503).
"""

import json
import threading
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class FakeEsms:
    def __init__(self):
        self.requests: list[dict] = []
        self.answers: dict[str, tuple[int, dict]] = {}  # "84…" -> (HTTP status, JSON body)
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers.get("Content-Length") or 0)))
                fake.requests.append(body)
                status, answer = fake.answers.get(body.get("Phone"), (200, {
                    "CodeResult": "100", "CountRegenerate": 0, "SMSID": uuid.uuid4().hex,
                }))
                payload = json.dumps(answer).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/MainService.svc/json/SendMultipleMessage_V4_post_json/"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def start(self) -> "FakeEsms":
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def texts_to(self, e164: str) -> list[str]:
        return [r["Content"] for r in self.requests if r.get("Phone") == e164.removeprefix("+")]

    def answer(self, e164: str, *, status: int = 200, code: str | None = None, message: str = "") -> None:
        body = {"CodeResult": code, "CountRegenerate": 0, "ErrorMessage": message} if code else {"error": message}
        self.answers[e164.removeprefix("+")] = (status, body)


def use_fake_gateway(settings, fake: FakeEsms) -> None:
    """Point the SMS settings at `fake` (also what the browser test's live server reads)."""
    settings.HANDBOOK_SMS_BACKEND = "notifications.transports.sms_gateway.EsmsGateway"
    settings.HANDBOOK_SMS_URL = fake.url
    settings.HANDBOOK_SMS_API_KEY = "test-api-key"
    settings.HANDBOOK_SMS_SECRET_KEY = "test-secret-key"
    settings.HANDBOOK_SMS_SENDER = "SOTAYDANG"
    settings.HANDBOOK_SMS_UNICODE = True
    settings.HANDBOOK_SMS_TIMEOUT = 5
