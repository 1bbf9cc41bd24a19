"""A local stand-in for Zalo's ZNS API on 127.0.0.1, started by the test that needs it.

It records every request (headers and JSON body) and answers `{"error": 0}` with a message
id, or what the test set for a number: a Zalo error code, or an HTTP status.

At `/v4/oa/access_token` it is Zalo's OAuth server: a refresh token, with the app id and
secret key, buys a new access token and a new refresh token, and is spent (a second use is
refused, as Zalo does).
"""

import json
import threading
import time
import urllib.parse
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

TOKEN = "test-access-token"
REFRESH_TOKEN = "test-refresh-token"
APP_ID = "4321"
SECRET_KEY = "test-secret-key"


class FakeZalo:
    def __init__(self):
        self.requests: list[dict] = []
        self.answers: dict[str, tuple[int, dict]] = {}  # "84…" -> (HTTP status, JSON body)
        self.valid_tokens = {TOKEN}
        self.refresh_tokens = {REFRESH_TOKEN}  # not spent yet
        self.renewals: list[dict] = []  # every OAuth request: its form and secret_key header
        self.refuse_renewal = False
        self.renewal_seconds = 0.0  # how long the OAuth server takes to answer
        self.lock = threading.Lock()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                if self.path.startswith("/v4/oa/access_token"):
                    return self.renew()
                body = json.loads(self.rfile.read(int(self.headers.get("Content-Length") or 0)))
                fake.requests.append({"access_token": self.headers.get("access_token"), **body})
                if self.headers.get("access_token") not in fake.valid_tokens:
                    status, answer = 200, {"error": -124, "message": "Access token is invalid"}
                else:
                    status, answer = fake.answers.get(body.get("phone"), (200, {
                        "error": 0, "message": "Success", "data": {"msg_id": uuid.uuid4().hex},
                    }))
                self.answer(status, answer)

            def renew(self):
                form = dict(urllib.parse.parse_qsl(self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode()))
                time.sleep(fake.renewal_seconds)
                with fake.lock:
                    fake.renewals.append({**form, "secret_key": self.headers.get("secret_key")})
                    spent = form.get("refresh_token") not in fake.refresh_tokens
                    if fake.refuse_renewal or spent or form.get("app_id") != APP_ID or \
                            self.headers.get("secret_key") != SECRET_KEY or form.get("grant_type") != "refresh_token":
                        return self.answer(200, {"error": -14014, "error_name": "Invalid parameter",
                                                 "error_reason": "Invalid refresh token"})
                    fake.refresh_tokens.discard(form["refresh_token"])
                    number = len(fake.renewals)
                    access, refresh = f"access-{number}", f"refresh-{number}"
                    fake.valid_tokens.add(access)
                    fake.refresh_tokens.add(refresh)
                self.answer(200, {"access_token": access, "refresh_token": refresh, "expires_in": "90000"})

            def answer(self, status, answer):
                payload = json.dumps(answer).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/message/template"
        self.oauth_url = f"http://127.0.0.1:{self.server.server_port}/v4/oa/access_token"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def start(self) -> "FakeZalo":
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def answer(self, e164: str, *, status: int = 200, code: int | None = None, message: str = "") -> None:
        body = {"error": code, "message": message} if code is not None else {"message": message}
        self.answers[e164.removeprefix("+")] = (status, body)
