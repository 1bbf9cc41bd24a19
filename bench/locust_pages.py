"""Locust users for bench/pages.py: one sign-in per run shared by every simulated user, then one page
again and again; or poll a calendar feed already held (FeedPollUser).

Configured by bench/pages.py through the environment: BENCH_USERNAME, BENCH_PASSWORD,
BENCH_PATH. Each simulated user waits 0.5–1.5 s between pages, as a person reading would.
"""

import os

from gevent.lock import Semaphore
from locust import FastHttpUser, HttpUser, between, constant, task

# One sign-in per run, its session shared by the simulated users: twenty sign-ins from one address
# a run would meet the sign-in rate limit (429) by the second run, and the bench measures pages.
_signing_in = Semaphore()
_session_cookies: dict[str, str] = {}


class PageUser(HttpUser):
    wait_time = between(0.5, 1.5)

    def on_start(self):
        with _signing_in:
            if not _session_cookies:
                self.client.get("/accounts/login/", name="sign in")
                token = self.client.cookies.get("csrftoken", "")
                self.client.post(
                    "/accounts/login/",
                    {"login": os.environ["BENCH_USERNAME"], "password": os.environ["BENCH_PASSWORD"],
                     "csrfmiddlewaretoken": token},
                    headers={"Referer": f"{self.host}/accounts/login/"}, name="sign in",
                )
                _session_cookies.update(self.client.cookies.get_dict())
        self.client.cookies.update(_session_cookies)

    @task
    def page(self):
        with self.client.get(os.environ["BENCH_PATH"], name="page", catch_response=True,
                             allow_redirects=False) as response:
            if response.status_code != 200:
                response.failure(f"status {response.status_code}")


class FeedPollUser(FastHttpUser):
    """A phone that holds the member's calendar feed and asks again at once: answered 304."""

    wait_time = constant(0)

    def on_start(self):
        response = self.client.get(os.environ["BENCH_PATH"], name="first")
        self.etag = response.headers.get("ETag", "")

    @task
    def page(self):
        with self.client.get(os.environ["BENCH_PATH"], name="page", headers={"If-None-Match": self.etag},
                             catch_response=True) as response:
            if response.status_code != 304:
                response.failure(f"status {response.status_code}")
