"""Fixtures for the LTI 1.3 Advantage interop tests: an independent LTI tool (peers/lti_tool.py,
pylti1p3 + Flask) registered with the real Kakehashi server, people signed in to Kakehashi, and
helpers that walk a launch hop by hop (Kakehashi's /launch → tool /login → Kakehashi
/lti/authorize → the auto-posted form → tool /launch), the way a browser would, so that each hop
is checked.

Loaded from conftest.py with ``pytest_plugins = ["conftest_lti"]``.
"""

import base64
import csv
import json
import queue
import secrets
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlsplit, urlunsplit

import pyotp
import pytest
import requests

from conftest import BIN, HERE, TENANT, page, stop

LTI = "https://purl.imsglobal.org/spec/lti/claim/"
AGS_CLAIM = "https://purl.imsglobal.org/spec/lti-ags/claim/endpoint"
NRPS_CLAIM = "https://purl.imsglobal.org/spec/lti-nrps/claim/namesroleservice"
DL_SETTINGS = "https://purl.imsglobal.org/spec/lti-dl/claim/deep_linking_settings"
TOOL_CONFIGURATION = "https://purl.imsglobal.org/spec/lti-tool-configuration"
PLATFORM_CONFIGURATION = "https://purl.imsglobal.org/spec/lti-platform-configuration"
LEARNER = "http://purl.imsglobal.org/vocab/lis/v2/membership#Learner"
INSTRUCTOR = "http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor"
AGS_SCOPES = [
    "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem",
    "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem.readonly",
    "https://purl.imsglobal.org/spec/lti-ags/scope/result.readonly",
    "https://purl.imsglobal.org/spec/lti-ags/scope/score",
]
NRPS_SCOPE = "https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly"
SCOPES = AGS_SCOPES + [NRPS_SCOPE]
LTI_STUDENT_PASSWORD = "lti-gakushu-" + secrets.token_hex(4)
LTI_TEACHER_PASSWORD = "lti-kyoshitsu-" + secrets.token_hex(4)
OTHER_TENANT = "lti-other"


# --- small helpers --------------------------------------------------------------------------------

def query(url):
    return {k: v[0] for k, v in parse_qs(urlsplit(url).query, keep_blank_values=True).items()}


def with_query(url, **changes):
    parts = urlsplit(url)
    q = dict(query(url), **changes)
    return urlunsplit(parts._replace(query=urlencode(q)))


def b64url_json(part):
    return json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))


def unverified_jwt(token):
    """(header, claims) of a compact JWS, without checking it (the tool or the platform checks)."""
    parts = token.split(".")
    assert len(parts) == 3, f"not a compact JWS: {token[:60]}…"
    return b64url_json(parts[0]), b64url_json(parts[1])


def flip_last_char(token):
    """A JWS with one character of its signature changed (still base64url)."""
    return token[:-2] + ("A" if token[-2] != "A" else "B") + token[-1]


def describe(response):
    """A short description of an HTTP exchange, for assertion messages and the report."""
    req = response.request
    body = req.body if isinstance(req.body, str) else (req.body or b"").decode("utf-8", "replace")
    return (f"{req.method} {req.url}" + (f" body={body[:300]!r}" if body else "")
            + f" → {response.status_code} {response.headers.get('Content-Type', '')} "
              f"Location={response.headers.get('Location')!r} {response.text[:600]!r}")


def forms_of(response):
    """Every form of an HTML answer: [(action, method, {name: value})]."""
    out = []
    for form in page(response).find_all("form"):
        fields = {i["name"]: i.get("value", "") for i in form.find_all("input") if i.get("name")}
        out.append((form.get("action"), (form.get("method") or "get").lower(), fields))
    return out


def form_to(response, action):
    """The fields of the one POST form that goes to `action`."""
    matches = [f for f in forms_of(response) if f[0] == action]
    assert matches, f"no form posting to {action}: {describe(response)}"
    assert len(matches) == 1, f"several forms post to {action}"
    assert matches[0][1] == "post", f"the form to {action} does not POST"
    return matches[0][2]


# --- roster ---------------------------------------------------------------------------------------

@dataclass
class Person:
    sourced_id: str
    username: str
    role: str
    name: str
    grades: str


@dataclass
class SchoolClass:
    sourced_id: str
    title: str
    grades: str
    teachers: list
    students: list


def read_roster(server, tenant, folder):
    server.cli("roster", "export", "--tenant", tenant, "--out", str(folder))

    def read(name):
        with open(Path(folder) / name, encoding="utf-8-sig", newline="") as f:
            return list(csv.DictReader(f))

    users = {u["sourcedId"]: u for u in read("users.csv")}
    classes = {}
    for c in read("classes.csv"):
        classes[c["sourcedId"]] = SchoolClass(c["sourcedId"], c["title"], c.get("grades", ""), [], [])
    for e in read("enrollments.csv"):
        c, u = classes.get(e["classSourcedId"]), users.get(e["userSourcedId"])
        if c is None or u is None or (e.get("status") or "") == "tobedeleted":
            continue
        person = Person(u["sourcedId"], u["username"], e["role"],
                        f"{u['familyName']} {u['givenName']}", u.get("grades", ""))
        (c.teachers if e["role"] == "teacher" else c.students if e["role"] == "student" else []).append(person)
    return classes


@pytest.fixture(scope="session")
def lti_roster(server, tmp_path_factory):
    return read_roster(server, TENANT, tmp_path_factory.mktemp("lti-roster") / "export")


@pytest.fixture(scope="session")
def lti_class(people, lti_roster):
    """The demo teacher's class, with two students the other interop tests do not use."""
    teacher = people["teachers"][0]
    taken = {u.username for u in people["students"][:8]}
    for c in sorted(lti_roster.values(), key=lambda c: c.title):
        if teacher.sourced_id in {t.sourced_id for t in c.teachers}:
            free = [s for s in c.students if s.username not in taken]
            if len(free) >= 2 and len(c.students) >= 12:
                return c
    pytest.fail(f"no class of the demo teacher {teacher.username} has 12 students, 2 of them unused elsewhere")


@pytest.fixture(scope="session")
def lti_people(people, lti_class):
    taken = {u.username for u in people["students"][:8]}
    free = [s for s in lti_class.students if s.username not in taken]
    teacher = next(t for t in lti_class.teachers if t.sourced_id == people["teachers"][0].sourced_id)
    return {"student": free[0], "student_b": free[1], "teacher": teacher}


# --- signing in to Kakehashi ----------------------------------------------------------------------

def password_sign_in(server, username, password):
    s = requests.Session()
    r = s.get(server.url("/signin"), timeout=15)
    assert r.status_code == 200, describe(r)
    fields = form_to(r, "/signin")
    fields.update(username=username, password=password)
    fields.setdefault("tenant", TENANT)
    r = s.post(server.url("/signin"), data=fields, allow_redirects=False, timeout=15)
    assert r.status_code == 303, f"password sign-in of {username}: {describe(r)}"
    return s, urlsplit(r.headers["Location"]).path


def sign_in_student(server, person):
    server.set_password(person.username, LTI_STUDENT_PASSWORD)
    s, where = password_sign_in(server, person.username, LTI_STUDENT_PASSWORD)
    assert where == "/home", f"student {person.username} went to {where}"
    return s


def sign_in_teacher(server, person):
    """Password, then the second factor: TOTP set-up with pyotp, or the code a demo server shows."""
    server.set_password(person.username, LTI_TEACHER_PASSWORD)
    s, where = password_sign_in(server, person.username, LTI_TEACHER_PASSWORD)
    if where == "/mfa/setup":
        r = s.get(server.url("/mfa/setup"), timeout=15)
        secret = page(r).find(id="totp-secret").get_text(strip=True).replace(" ", "")
        totp = pyotp.TOTP(secret)
        if totp.interval - time.time() % totp.interval < 3:
            time.sleep(4)
        fields = form_to(r, "/mfa/setup")
        fields["code"] = totp.now()
        r = s.post(server.url("/mfa/setup"), data=fields, allow_redirects=False, timeout=15)
        assert r.status_code in (200, 303), f"TOTP set-up: {describe(r)}"
    elif where == "/mfa":
        for attempt in range(3):
            r = s.get(server.url("/mfa"), timeout=15)
            code = page(r).find(id="demo-code")
            assert code is not None, "the teacher is enrolled in TOTP and the server shows no demo code"
            fields = form_to(r, "/mfa")
            fields["code"] = code.get_text(strip=True)
            r = s.post(server.url("/mfa"), data=fields, allow_redirects=False, timeout=15)
            if r.status_code == 303 and urlsplit(r.headers["Location"]).path == "/home":
                break
            time.sleep(31 - time.time() % 30)  # once-only codes: wait for the next time step
        else:
            pytest.fail(f"the demo code was refused three times: {describe(r)}")
    else:
        assert where == "/home", f"teacher {person.username} went to {where}"
    home = s.get(server.url("/home"), allow_redirects=False, timeout=15)
    assert home.status_code == 200, f"teacher home after sign-in: {describe(home)}"
    return s


@pytest.fixture(scope="session")
def student_browser(server, lti_people):
    return sign_in_student(server, lti_people["student"])


@pytest.fixture(scope="session")
def student_b_browser(server, lti_people):
    return sign_in_student(server, lti_people["student_b"])


@pytest.fixture(scope="session")
def teacher_browser(server, lti_people):
    return sign_in_teacher(server, lti_people["teacher"])


# --- the tool -------------------------------------------------------------------------------------

class Tool:
    """The pylti1p3 tool process and its test-only knobs."""

    def __init__(self, log_path):
        self.log = open(log_path, "w")
        self.process = subprocess.Popen(
            [sys.executable, str(HERE / "peers" / "lti_tool.py"), "--port", "0"],
            stdout=subprocess.PIPE, stderr=self.log, text=True,
        )
        lines = queue.Queue()
        threading.Thread(target=lambda: lines.put(self.process.stdout.readline()), daemon=True).start()
        try:
            first = lines.get(timeout=30)
        except queue.Empty:
            self.stop()
            raise AssertionError(f"the LTI tool printed no port within 30 s; see {log_path}")
        assert first.startswith("PORT "), f"unexpected first line from the LTI tool: {first!r}"
        self.base_url = f"http://127.0.0.1:{int(first.split()[1])}"

    def url(self, path):
        return self.base_url + path

    def call(self, path, payload=None):
        r = requests.post(self.url(path), json=payload or {}, timeout=60)
        return r

    def knob(self, path, payload):
        r = self.call(path, payload)
        assert r.status_code == 200, r.text
        return r.json()

    def config(self):
        return requests.get(self.url("/test/config"), timeout=10).json()

    def description(self, name, messages=("LtiResourceLinkRequest", "LtiDeepLinkingRequest"), scope=SCOPES,
                    privacy=None):
        """tool.json for `kakehashi tools register`."""
        return {
            "client_name": name,
            "initiate_login_uri": self.url("/login"),
            "redirect_uris": [self.url("/launch")],
            "jwks_uri": self.url("/jwks"),
            "target_link_uri": self.url("/launch"),
            "scope": " ".join(scope),
            "custom_parameters": {"grade": "$Kakehashi.grade"},
            "messages": list(messages),
            # The grade is given only because the board allows it (the tests check it is substituted).
            "privacy": privacy or {"sub": "pseudonymous", "name": True, "email": False, "grade": True},
        }

    def stop(self):
        stop(self.process, "LTI tool")
        self.log.close()


@pytest.fixture(scope="session")
def lti_tool(output_dir):
    tool = Tool(output_dir / "interop-lti-tool.log")
    yield tool
    tool.stop()


@dataclass
class Registration:
    client_id: str
    deployment_id: str
    issuer: str
    description: dict = field(default_factory=dict)


def register_tool(server, tool, description, tmp_dir):
    """`kakehashi tools register`, then the same facts given to the tool (the CLI path)."""
    path = Path(tmp_dir) / f"tool-{secrets.token_hex(4)}.json"
    path.write_text(json.dumps(description, ensure_ascii=False), encoding="utf-8")
    result = server.cli("tools", "register", "--tenant", TENANT, "--file", str(path), check=False)
    assert result.returncode == 0, (
        f"`kakehashi tools register --tenant {TENANT} --file tool.json` exited {result.returncode}\n"
        f"stdout: {result.stdout}\nstderr: {result.stderr}")
    try:
        answer = json.loads(result.stdout)
    except ValueError:
        raise AssertionError(f"`tools register` did not print JSON: {result.stdout!r}") from None
    assert answer.get("client_id") and answer.get("deployment_id"), f"`tools register` printed {answer}"
    issuer = server.base_url
    tool.knob("/test/register-platform", {
        "issuer": issuer,
        "client_id": answer["client_id"],
        "deployment_ids": [answer["deployment_id"]],
        "auth_login_url": issuer + "/lti/authorize",
        "auth_token_url": issuer + "/lti/token",
        "key_set_url": issuer + "/lti/jwks",
        "auth_audience": issuer + "/lti/token",
    })
    return Registration(answer["client_id"], answer["deployment_id"], issuer, description)


@pytest.fixture(scope="session")
def lti_registration(server, lti_tool, tmp_path_factory):
    return register_tool(server, lti_tool, lti_tool.description("漢字ドリル (pylti1p3)"),
                         tmp_path_factory.mktemp("lti-tool-json"))


def place(server, class_id, client_id, title):
    result = server.cli("tools", "place", "--tenant", TENANT, "--class", class_id, "--client-id", client_id,
                        "--title", title, check=False)
    assert result.returncode == 0, (
        f"`kakehashi tools place` exited {result.returncode}\nstdout: {result.stdout}\nstderr: {result.stderr}")
    link = result.stdout.strip()
    assert link and len(link.splitlines()) == 1 and len(link) <= 255, f"`tools place` printed {result.stdout!r}"
    return link


@pytest.fixture(scope="session")
def placement(server, lti_registration, lti_class):
    """A resource link of the CLI-registered tool in the class, placed with `tools place`."""
    title = "漢字ドリル 第1回"
    return {"id": place(server, lti_class.sourced_id, lti_registration.client_id, title), "title": title}


# --- a launch, hop by hop -------------------------------------------------------------------------

@dataclass
class Launch:
    start: requests.Response = None  # Kakehashi's answer to GET /launch/{id} (or the deep-link route)
    login_url: str = ""
    login_params: dict = field(default_factory=dict)
    login: requests.Response = None  # the tool's answer to its /login
    authorize_url: str = ""
    authorize_params: dict = field(default_factory=dict)
    authorize: requests.Response = None  # Kakehashi's answer to /lti/authorize
    fields: dict = field(default_factory=dict)  # the auto-posted form's fields
    result: requests.Response = None  # the tool's answer to the form

    def json(self):
        assert self.result is not None
        assert self.result.status_code == 200, f"the tool refused the launch: {describe(self.result)}"
        return self.result.json()


def begin(browser, server, tool, path):
    """Kakehashi's third-party login initiation, checked: GET path → 303 to the tool's /login."""
    launch = Launch()
    launch.start = browser.get(server.url(path), allow_redirects=False, timeout=15)
    assert launch.start.status_code == 303, f"{path}: {describe(launch.start)}"
    launch.login_url = launch.start.headers["Location"]
    assert launch.login_url.startswith(tool.url("/login") + "?"), (
        f"{path} does not redirect to the tool's initiate_login_uri: {launch.login_url}")
    launch.login_params = query(launch.login_url)
    return launch


def through_tool_login(browser, server, tool, launch):
    """The tool (pylti1p3) answers the login initiation with a redirect to /lti/authorize."""
    launch.login = browser.get(launch.login_url, allow_redirects=False, timeout=15)
    assert launch.login.status_code in (302, 303), f"the tool's /login: {describe(launch.login)}"
    launch.authorize_url = launch.login.headers["Location"]
    assert launch.authorize_url.startswith(server.url("/lti/authorize") + "?"), launch.authorize_url
    launch.authorize_params = query(launch.authorize_url)
    return launch


def authorize(browser, launch, url=None):
    launch.authorize = browser.get(url or launch.authorize_url, allow_redirects=False, timeout=15)
    return launch.authorize


def post_form(browser, tool, launch):
    """Post the auto-submitting form's fields to the tool's /launch, as the browser would."""
    assert launch.authorize.status_code == 200, f"/lti/authorize: {describe(launch.authorize)}"
    launch.fields = form_to(launch.authorize, tool.url("/launch"))
    launch.result = browser.post(tool.url("/launch"), data=launch.fields, allow_redirects=False, timeout=30)
    return launch.result


def full_launch(browser, server, tool, path):
    launch = through_tool_login(browser, server, tool, begin(browser, server, tool, path))
    authorize(browser, launch)
    post_form(browser, tool, launch)
    return launch


def launch_link(browser, server, tool, link_id):
    return full_launch(browser, server, tool, f"/launch/{link_id}")


def deep_link_path(class_id, client_id):
    return f"/t/{TENANT}/classes/{class_id}/tools/{client_id}/deep-link"


def platform_error(response):
    """The error Kakehashi sent back for an authentication request: (kind, error code, detail).

    kind is "form" (an auto-posted form with `error` and no id_token), "http" (a 4xx answer) or
    "none" (it issued an id_token)."""
    if response.status_code == 200:
        for action, method, fields in forms_of(response):
            if "id_token" in fields:
                return "none", None, f"an id_token was posted to {action}"
            if "error" in fields:
                return "form", fields["error"], fields.get("error_description")
        return "none", None, f"200 without an error form: {response.text[:300]!r}"
    if 400 <= response.status_code < 500:
        return "http", response.status_code, response.text[:300]
    return "none", response.status_code, response.text[:300]


# --- services -------------------------------------------------------------------------------------

def token_request(server, assertion, scope, **extra):
    data = {
        "grant_type": "client_credentials",
        "client_assertion_type": "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
        "client_assertion": assertion,
        "scope": scope,
    }
    data.update(extra)
    return requests.post(server.url("/lti/token"), data=data, timeout=15)


def access_token(server, tool, registration, scope):
    a = tool.knob("/test/assertion", {"client_id": registration.client_id, "aud": server.url("/lti/token")})
    r = token_request(server, a["assertion"], scope)
    assert r.status_code == 200, f"token request: {describe(r)}"
    return r.json()["access_token"]


@pytest.fixture(scope="session")
def other_tenant(server, tmp_path_factory):
    """A second tenant (a small synthetic city), for cross-tenant service calls."""
    folder = tmp_path_factory.mktemp("lti-other-tenant")
    package = folder / "other.zip"
    subprocess.run([str(BIN), "demo", "generate", "--schools", "1", "--students-per-school", "20",
                    "--seed", "4242", "--out", str(package)], check=True, capture_output=True, timeout=120)
    result = server.cli("roster", "import", str(package), "--tenant", OTHER_TENANT, check=False)
    assert result.returncode == 0, f"roster import into {OTHER_TENANT}: {result.stdout}\n{result.stderr}"
    classes = read_roster(server, OTHER_TENANT, folder / "export")
    return {"tenant": OTHER_TENANT, "classes": classes}


# --- Deep Linking ---------------------------------------------------------------------------------

@dataclass
class DeepLinking:
    launch: Launch
    request_claims: dict  # the LtiDeepLinkingRequest pylti1p3 accepted
    fields: dict  # the tool's auto-posted form to the return URL ({"JWT": ...})
    response: requests.Response = None  # Kakehashi's answer to the return


def deep_link_request(teacher_browser, server, tool, class_id, client_id, **knobs):
    """Teacher → deep-link route → tool login → authorize → tool answers pylti1p3's response form."""
    if knobs:
        tool.knob("/test/next-deep-link", knobs)
    launch = full_launch(teacher_browser, server, tool, deep_link_path(class_id, client_id))
    assert launch.result.status_code == 200, f"the tool refused the deep linking request: {describe(launch.result)}"
    assert launch.result.headers["Content-Type"].startswith("text/html"), describe(launch.result)
    data = json.loads(page(launch.result).find(id="launch-data").get_text())
    fields = form_to(launch.result, server.url("/lti/deep-linking/return"))
    assert set(fields) == {"JWT"}, fields
    return DeepLinking(launch, data["claims"], fields)


def deep_link_return(browser, server, fields):
    return browser.post(server.url("/lti/deep-linking/return"), data=fields, allow_redirects=False, timeout=15)


def class_launch_links(browser, server, class_id):
    """{link id: text around it} for every /launch/{id} link on the class page."""
    r = browser.get(server.url(f"/t/{TENANT}/classes/{class_id}"), timeout=15)
    assert r.status_code == 200, describe(r)
    links = {}
    for a in page(r).find_all("a", href=True):
        href = a["href"]
        path = urlsplit(href).path
        if path.startswith("/launch/"):
            around = a.find_parent(["li", "tr", "p", "div"]) or a
            links[path[len("/launch/"):]] = around.get_text(" ", strip=True)
    return links


def link_titled(browser, server, class_id, title):
    found = [i for i, text in class_launch_links(browser, server, class_id).items() if title in text]
    assert len(found) == 1, f"{len(found)} launch links titled {title!r} on the class page"
    return found[0]


@pytest.fixture(scope="session")
def deep_linked(server, lti_tool, lti_registration, lti_class, teacher_browser):
    """A resource link with a coupled line item, made by the teacher through Deep Linking."""
    title = "漢字テスト1 (deep link " + secrets.token_hex(3) + ")"
    dl = deep_link_request(teacher_browser, server, lti_tool, lti_class.sourced_id, lti_registration.client_id,
                           title=title)
    r = deep_link_return(teacher_browser, server, dl.fields)
    assert r.status_code == 303, f"deep linking return: {describe(r)}"
    return {"id": link_titled(teacher_browser, server, lti_class.sourced_id, title), "title": title}
