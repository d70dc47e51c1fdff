"""Fixtures for the interop suite: a real Kakehashi server (the built binary, demo city, SQLite
in a temporary folder) and an independent OpenID provider (peers/oidc_provider.py, Authlib).

Environment:
  KAKEHASHI_BIN          the kakehashi executable (default: <repo>/.build/debug/kakehashi)
  KAKEHASHI_TEST_OUTPUT  where logs and screenshots go (default: <repo>/test-output)
"""

import csv
import io
import json
import os
import queue
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urljoin

import pytest
import requests
from bs4 import BeautifulSoup

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
BIN = Path(os.environ.get("KAKEHASHI_BIN", ROOT / ".build" / "debug" / "kakehashi"))
OUTPUT = Path(os.environ.get("KAKEHASHI_TEST_OUTPUT", ROOT / "test-output"))
TENANT = "demo"
CLIENT_ID = "kakehashi-interop"
STARTUP_SECONDS = 120


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def stop(process, name):
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
            raise AssertionError(f"{name} did not stop within 20 s of SIGTERM")


def page(response):
    return BeautifulSoup(response.text, "html.parser")


def form_fields(soup, action):
    """The named inputs of the form that posts to `action`, as a dict."""
    form = soup.find("form", attrs={"action": action})
    assert form is not None, f"no form posting to {action}: {soup.get_text(' ', strip=True)[:300]}"
    assert (form.get("method") or "").lower() == "post", f"form {action} does not POST"
    return {i["name"]: i.get("value", "") for i in form.find_all("input") if i.get("name")}


def set_cookie_names(response):
    """Cookie names a response sets with a non-empty value (a deletion does not count)."""
    names = set()
    for cookie in response.raw.headers.getlist("Set-Cookie"):
        name, _, rest = cookie.partition("=")
        value = rest.split(";", 1)[0]
        if value and "max-age=0" not in cookie.lower():
            names.add(name.strip())
    return names


@dataclass
class User:
    username: str
    role: str
    name: str
    sourced_id: str


class Kakehashi:
    def __init__(self, port, data_dir, log_path):
        self.port = port
        self.base_url = f"http://127.0.0.1:{port}"
        self.data_dir = Path(data_dir)
        self.log_path = log_path
        self.process = None

    def url(self, path):
        return urljoin(self.base_url, path)

    def cli(self, *args, input=None, check=True):
        result = subprocess.run(
            [str(BIN), *args, "--data-dir", str(self.data_dir)],
            input=input, capture_output=True, text=True, timeout=120,
        )
        if check:
            assert result.returncode == 0, (
                f"kakehashi {' '.join(args)} exited {result.returncode}\n{result.stdout}\n{result.stderr}"
            )
        return result

    def users(self, role):
        out = self.cli("users", "list", "--tenant", TENANT, "--role", role).stdout
        users = []
        for line in out.splitlines():
            if not line.strip():
                continue
            fields = line.split("\t")
            assert len(fields) == 4, f"users list line is not 4 tab-separated fields: {line!r}"
            users.append(User(*fields))
        return users

    def set_password(self, username, password):
        self.cli("users", "set-password", "--tenant", TENANT, "--username", username, "--password-stdin",
                 input=password + "\n")

    def audit_rows(self):
        with tempfile.TemporaryDirectory() as tmp:
            target = Path(tmp) / "audit.csv"
            result = self.cli("audit", "export", "--tenant", TENANT, "--out", str(target), check=False)
            if result.returncode == 0 and target.exists():
                text = target.read_text(encoding="utf-8")
            else:  # the brief's form: CSV on standard output
                text = self.cli("audit", "export", "--tenant", TENANT).stdout
        rows = list(csv.DictReader(io.StringIO(text)))
        assert rows, "audit export gave no rows"
        assert list(rows[0].keys()) == [
            "position", "occurredAt", "actor", "action", "subject", "details", "source", "previousHash", "hash"
        ]
        for row in rows:
            row["details"] = json.loads(row["details"] or "{}")
        return rows

    def start(self):
        self.log = open(self.log_path, "w")
        env = dict(os.environ, KAKEHASHI_PUBLIC_URL=self.base_url)
        self.process = subprocess.Popen(
            [str(BIN), "serve", "--demo", "--port", str(self.port), "--data-dir", str(self.data_dir)],
            env=env, stdout=self.log, stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + STARTUP_SECONDS
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"kakehashi serve exited {self.process.returncode}; see {self.log_path}")
            try:
                if requests.get(self.url("/healthz"), timeout=2).status_code == 200:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.5)
        raise AssertionError(f"/healthz did not answer 200 within {STARTUP_SECONDS} s; see {self.log_path}")

    def stop(self):
        if self.process:
            stop(self.process, "kakehashi serve")
        self.log.close()


class Provider:
    """The OpenID provider process and its test-only knobs."""

    def __init__(self, redirect_uri, log_path):
        self.client_secret = secrets.token_urlsafe(24)
        self.redirect_uri = redirect_uri
        self.log = open(log_path, "w")
        self.process = subprocess.Popen(
            # `--client-secret=…` in one argument: a URL-safe secret may begin with "-", which argparse
            # would take for an option of its own (a CI run failed on that, 1 in 64).
            [sys.executable, str(HERE / "peers" / "oidc_provider.py"), "--port", "0",
             "--client-id", CLIENT_ID, f"--client-secret={self.client_secret}", f"--redirect-uri={redirect_uri}"],
            stdout=subprocess.PIPE, stderr=self.log, text=True,
        )
        lines = queue.Queue()
        threading.Thread(target=lambda: lines.put(self.process.stdout.readline()), daemon=True).start()
        try:
            first = lines.get(timeout=30)
        except queue.Empty:
            self.stop()
            raise AssertionError(f"the OpenID provider printed no port within 30 s; see {log_path}")
        assert first.startswith("PORT "), f"unexpected first line from the provider: {first!r}"
        self.issuer = f"http://127.0.0.1:{int(first.split()[1])}"

    def stage_login(self, **claims):
        r = requests.post(self.issuer + "/test/next-login", json=claims, timeout=10)
        assert r.status_code == 200, r.text

    def configure(self, **knobs):
        r = requests.post(self.issuer + "/test/config", json=knobs, timeout=10)
        assert r.status_code == 200, r.text

    def token_log(self):
        return requests.get(self.issuer + "/test/log", timeout=10).json()

    def stop(self):
        stop(self.process, "OpenID provider")
        self.log.close()


@pytest.fixture(scope="session")
def output_dir():
    (OUTPUT / "screenshots").mkdir(parents=True, exist_ok=True)
    return OUTPUT


@pytest.fixture(scope="session")
def server_port():
    return free_port()


@pytest.fixture(scope="session")
def provider(server_port, output_dir):
    op = Provider(f"http://127.0.0.1:{server_port}/signin/oidc/callback", output_dir / "interop-oidc-provider.log")
    yield op
    op.stop()


@pytest.fixture(scope="session")
def server(server_port, output_dir):
    assert BIN.is_file() and os.access(BIN, os.X_OK), f"no kakehashi executable at {BIN} (set KAKEHASHI_BIN)"
    with tempfile.TemporaryDirectory(prefix="kakehashi-interop-") as data_dir:
        app = Kakehashi(server_port, data_dir, output_dir / "interop-kakehashi.log")
        app.start()
        try:
            yield app
        finally:
            app.stop()


@pytest.fixture(scope="session")
def oidc(server, provider):
    """The provider registered as the demo tenant's IdP, matching preferred_username to usernames."""
    result = server.cli(
        "idp", "add", "--tenant", TENANT, "--issuer", provider.issuer, "--client-id", CLIENT_ID,
        "--client-secret-stdin", "--match", "username",
        input=provider.client_secret + "\n", check=False,
    )
    if result.returncode != 0:
        pytest.fail(f"`kakehashi idp add` failed (exit {result.returncode}):\n{result.stdout}\n{result.stderr}")
    return provider


@pytest.fixture(scope="session")
def roster(server, tmp_path_factory):
    """The tenant's roster as exported by Kakehashi: per username, the user row and class titles."""
    folder = tmp_path_factory.mktemp("roster")
    server.cli("roster", "export", "--tenant", TENANT, "--out", str(folder / "export"))

    def read(name):
        with open(folder / "export" / name, encoding="utf-8-sig", newline="") as f:
            return list(csv.DictReader(f))

    classes = {c["sourcedId"]: c["title"] for c in read("classes.csv")}
    by_id = {u["sourcedId"]: dict(u, classes=[]) for u in read("users.csv")}
    for e in read("enrollments.csv"):
        if e["userSourcedId"] in by_id and e["classSourcedId"] in classes:
            by_id[e["userSourcedId"]]["classes"].append(classes[e["classSourcedId"]])
    return {u["username"]: u for u in by_id.values()}


@pytest.fixture(scope="session")
def people(server):
    """Who plays which part, from `users list` (username order as printed)."""
    students = server.users("student")
    teachers = server.users("teacher")
    assert len(students) >= 5 and len(teachers) >= 3, "the demo city should have students and teachers"
    assert {u.role for u in students} == {"student"} and {u.role for u in teachers} == {"teacher"}
    return {"students": students, "teachers": teachers}


# The LTI 1.3 Advantage fixtures (the pylti1p3 tool, registrations, launches) live beside this file.
pytest_plugins = ["conftest_lti"]
