"""A local stand-in for Zalo's ZNS API on 127.0.0.1, started by the test that needs it.

It records every request (headers and JSON body) and answers `{"error": 0}` with a message
id, or what the test set for a number: a Zalo error code, or an HTTP status.
"""

import json
import threading
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

TOKEN = "test-access-token"


class FakeZalo:
    def __init__(self):
        self.requests: list[dict] = []
        self.answers: dict[str, tuple[int, dict]] = {}  # "84…" -> (HTTP status, JSON body)
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers.get("Content-Length") or 0)))
                fake.requests.append({"access_token": self.headers.get("access_token"), **body})
                if self.headers.get("access_token") != TOKEN:
                    status, answer = 200, {"error": -124, "message": "Access token is invalid"}
                else:
                    status, answer = fake.answers.get(body.get("phone"), (200, {
                        "error": 0, "message": "Success", "data": {"msg_id": uuid.uuid4().hex},
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
        self.url = f"http://127.0.0.1:{self.server.server_port}/message/template"
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
