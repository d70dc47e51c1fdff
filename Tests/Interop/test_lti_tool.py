"""The pylti1p3 tool (peers/lti_tool.py) checked by itself, against a minimal platform written
here, so that a refusal in the Kakehashi tests means what the test intended. No Kakehashi server
is needed for these.

The minimal platform signs id_tokens with its own key (PyJWT), serves its JWKS, a token endpoint
that checks the tool's client assertion against the tool's /jwks, three NRPS pages chained with
Link headers, a line item's /scores, a platform configuration and a registration endpoint.
"""

import json
import threading
import time
import uuid
from urllib.parse import urlsplit

import jwt
import pytest
import requests
from cryptography.hazmat.primitives.asymmetric import rsa
from flask import Flask, jsonify, request
from werkzeug.serving import make_server

from conftest import page
from conftest_lti import (
    AGS_CLAIM, DL_SETTINGS, LEARNER, LTI, NRPS_CLAIM, TOOL_CONFIGURATION, Tool, form_to, query, unverified_jwt,
)

CLIENT, DEPLOYMENT = "mock-client", "mock-deployment"


class MockPlatform:
    def __init__(self):
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.kid = "mock-" + uuid.uuid4().hex[:8]
        self.scores, self.tokens, self.registrations, self.assertions = [], {}, [], []
        self.tool_jwks_url = None
        app = Flask("mock-platform")

        @app.get("/jwks")
        def jwks():
            from jwt.algorithms import RSAAlgorithm
            k = json.loads(RSAAlgorithm.to_jwk(self.key.public_key()))
            return jsonify(keys=[dict(k, kid=self.kid, alg="RS256", use="sig")])

        @app.post("/token")
        def token():
            a = request.form["client_assertion"]
            header = jwt.get_unverified_header(a)
            keys = requests.get(self.tool_jwks_url, timeout=10).json()["keys"]
            key = next((k for k in keys if k["kid"] == header.get("kid")), None)
            if key is None:
                return jsonify(error="invalid_client"), 401
            claims = jwt.decode(a, jwt.PyJWK(key).key, algorithms=["RS256"], audience=self.url("/token"))
            self.assertions.append({"header": header, "claims": claims})
            t = uuid.uuid4().hex
            self.tokens[t] = request.form["scope"].split()
            return jsonify(access_token=t, token_type="Bearer", expires_in=3600, scope=request.form["scope"])

        def scopes():
            return self.tokens.get(request.headers.get("Authorization", "")[7:])

        @app.get("/nrps")
        def nrps():
            if scopes() is None:
                return jsonify(error="unauthorized"), 401
            n = int(request.args.get("p", "1"))
            members = [{"user_id": f"u{n}-{i}", "roles": [LEARNER], "status": "Active"} for i in range(3)]
            r = jsonify(id=self.url("/nrps"), context={"id": "ctx"}, members=members)
            if n < 3:  # an upper-case token: pylti1p3 lowercases the Link header
                r.headers["Link"] = f'<{self.url("/nrps")}?p={n + 1}&Token=AbC>; rel="next"'
            return r

        @app.post("/lineitems/1/scores")
        def score():
            if "https://purl.imsglobal.org/spec/lti-ags/scope/score" not in (scopes() or []):
                return jsonify(error="unauthorized"), 401
            self.scores.append({"content_type": request.content_type, "body": json.loads(request.data)})
            return "", 204

        @app.get("/.well-known/openid-configuration")
        def configuration():
            return jsonify(issuer=self.base_url, authorization_endpoint=self.url("/authorize"),
                           token_endpoint=self.url("/token"), jwks_uri=self.url("/jwks"),
                           registration_endpoint=self.url("/register"))

        @app.post("/register")
        def register():
            if request.headers.get("Authorization") != "Bearer good-token":
                return jsonify(error="invalid_token"), 401
            body = request.get_json()
            self.registrations.append(body)
            return jsonify(dict(body, client_id="dyn-client",
                                **{TOOL_CONFIGURATION: dict(body[TOOL_CONFIGURATION], deployment_id="dyn-dep")}))

        self.httpd = make_server("127.0.0.1", 0, app, threaded=True)
        self.base_url = f"http://127.0.0.1:{self.httpd.server_port}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def url(self, path):
        return self.base_url + path

    def id_token(self, auth, kid=None, key=None, **overrides):
        now = int(time.time())
        claims = {
            "iss": self.base_url, "aud": CLIENT, "sub": "pseudo-1", "iat": now - 5, "exp": now + 300,
            "nonce": auth["nonce"], LTI + "version": "1.3.0", LTI + "deployment_id": DEPLOYMENT,
            LTI + "message_type": "LtiResourceLinkRequest", LTI + "target_link_uri": auth["redirect_uri"],
            LTI + "resource_link": {"id": "rl-1", "title": "ドリル"}, LTI + "roles": [LEARNER],
            LTI + "context": {"id": "ctx", "title": "1年1組"}, LTI + "custom": {"grade": "P1"}, "locale": "ja-JP",
            AGS_CLAIM: {"scope": ["https://purl.imsglobal.org/spec/lti-ags/scope/score"],
                        "lineitems": self.url("/lineitems"), "lineitem": self.url("/lineitems/1")},
            NRPS_CLAIM: {"context_memberships_url": self.url("/nrps"), "service_versions": ["2.0"]},
        }
        claims.update(overrides)
        claims = {k: v for k, v in claims.items() if v is not None}
        return jwt.encode(claims, key or self.key, algorithm="RS256",
                          headers={"kid": kid or self.kid, "typ": "JWT"})

    def stop(self):
        self.httpd.shutdown()


@pytest.fixture(scope="module")
def mock():
    m = MockPlatform()
    yield m
    m.stop()


@pytest.fixture(scope="module")
def tool(output_dir, mock):
    t = Tool(output_dir / "interop-lti-tool-selfcheck.log")
    mock.tool_jwks_url = t.url("/jwks")
    t.knob("/test/register-platform", {
        "issuer": mock.base_url, "client_id": CLIENT, "deployment_ids": [DEPLOYMENT],
        "auth_login_url": mock.url("/authorize"), "auth_token_url": mock.url("/token"),
        "key_set_url": mock.url("/jwks"), "auth_audience": None})
    yield t
    t.stop()


def login(browser, tool, mock):
    r = browser.get(tool.url("/login"), params={
        "iss": mock.base_url, "login_hint": "hint", "target_link_uri": tool.url("/launch"),
        "lti_message_hint": "msg", "client_id": CLIENT, "lti_deployment_id": DEPLOYMENT}, allow_redirects=False)
    assert r.status_code == 302, r.text
    assert r.headers["Location"].startswith(mock.url("/authorize") + "?")
    return query(r.headers["Location"])


def test_tool_jwks(tool):
    keys = requests.get(tool.url("/jwks"), timeout=10).json()["keys"]
    assert len(keys) == 1 and keys[0]["kid"] and keys[0]["alg"] == "RS256" and keys[0]["use"] == "sig"
    assert "d" not in keys[0]


def test_tool_login_builds_the_authentication_request(tool, mock):
    auth = login(requests.Session(), tool, mock)
    assert auth["scope"] == "openid" and auth["response_type"] == "id_token"
    assert auth["response_mode"] == "form_post" and auth["prompt"] == "none"
    assert auth["client_id"] == CLIENT and auth["redirect_uri"] == tool.url("/launch")
    assert auth["login_hint"] == "hint" and auth["lti_message_hint"] == "msg"
    assert auth["state"] and auth["nonce"]


def test_tool_accepts_a_good_launch_and_uses_the_services(tool, mock):
    browser = requests.Session()
    auth = login(browser, tool, mock)
    r = browser.post(tool.url("/launch"), data={"id_token": mock.id_token(auth), "state": auth["state"]})
    assert r.status_code == 200, r.text
    data = r.json()
    assert data["sub"] == "pseudo-1" and data["is_student"] and data["has_ags"] and data["has_nrps"]
    assert data["custom"] == {"grade": "P1"} and data["locale"] == "ja-JP"
    assert data["header"]["kid"] == mock.kid

    r = tool.call("/score", {"launch_id": data["launch_id"], "user_id": "pseudo-1", "score": 87})
    assert r.status_code == 200, r.text
    score = mock.scores[-1]
    assert score["content_type"] == "application/vnd.ims.lis.v1.score+json"
    assert score["body"]["scoreGiven"] == 87 and score["body"]["scoreMaximum"] == 100
    assert score["body"]["userId"] == "pseudo-1" and score["body"]["gradingProgress"] == "FullyGraded"
    a = mock.assertions[-1]
    assert a["claims"]["iss"] == a["claims"]["sub"] == CLIENT and a["header"]["kid"]

    r = tool.call("/members", {"launch_id": data["launch_id"], "limit": 3})
    assert r.status_code == 200, r.text
    m = r.json()
    assert m["pages"] == 3 and len(m["members"]) == 9
    # pylti1p3 lowercases the whole Link header: the platform's next URLs must survive that.
    assert "token=abc" in m["page_urls"][1] and "limit=3" in m["page_urls"][0]


@pytest.mark.parametrize("bad", ["signature", "unknown-kid", "nonce", "deployment", "no-sub", "version",
                                 "no-roles", "state"])
def test_tool_refuses_bad_launches(tool, mock, bad):
    browser = requests.Session()
    auth = login(browser, tool, mock)
    other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    token = {
        "signature": lambda: mock.id_token(auth, key=other),
        "unknown-kid": lambda: mock.id_token(auth, kid="nope"),
        "nonce": lambda: mock.id_token(auth, nonce="other-nonce"),
        "deployment": lambda: mock.id_token(auth, **{LTI + "deployment_id": "other"}),
        "no-sub": lambda: mock.id_token(auth, sub=None),
        "version": lambda: mock.id_token(auth, **{LTI + "version": "1.1"}),
        "no-roles": lambda: mock.id_token(auth, **{LTI + "roles": None}),
        "state": lambda: mock.id_token(auth),
    }[bad]()
    state = "state-forged" if bad == "state" else auth["state"]
    r = browser.post(tool.url("/launch"), data={"id_token": token, "state": state})
    assert r.status_code == 400, f"{bad}: {r.status_code} {r.text}"
    expected = {"signature": "Signature verification failed", "unknown-kid": "Unable to find public key",
                "nonce": "Invalid Nonce", "deployment": "Unable to find deployment", "no-sub": "Must have a user",
                "version": "Incorrect version", "no-roles": "Missing Roles Claim", "state": "State not found"}[bad]
    assert expected in r.json()["error"], f"{bad}: refused for another reason: {r.json()['error']}"


def test_tool_refuses_a_replayed_id_token(tool, mock):
    browser = requests.Session()
    auth = login(browser, tool, mock)
    fields = {"id_token": mock.id_token(auth), "state": auth["state"]}
    assert browser.post(tool.url("/launch"), data=fields).status_code == 200
    assert browser.post(tool.url("/launch"), data=fields).status_code == 400
    assert requests.post(tool.url("/launch"), data=fields).status_code == 400


def test_tool_reports_platform_errors(tool, mock):
    r = requests.post(tool.url("/launch"), data={"error": "login_required", "state": "s"})
    assert r.status_code == 400 and r.json()["platform_error"] == "login_required"


def test_tool_answers_deep_linking(tool, mock):
    browser = requests.Session()
    auth = login(browser, tool, mock)
    token = mock.id_token(auth, **{
        LTI + "message_type": "LtiDeepLinkingRequest", LTI + "resource_link": None,
        DL_SETTINGS: {"deep_link_return_url": mock.url("/dl-return"), "accept_types": ["ltiResourceLink"],
                      "accept_presentation_document_targets": ["iframe", "window"], "data": "opaque-data"}})
    tool.knob("/test/next-deep-link", {"title": "漢字テスト1"})
    r = browser.post(tool.url("/launch"), data={"id_token": token, "state": auth["state"]})
    assert r.status_code == 200 and r.headers["Content-Type"].startswith("text/html"), r.text
    fields = form_to(r, mock.url("/dl-return"))
    keys = requests.get(tool.url("/jwks"), timeout=10).json()["keys"]
    header, _ = unverified_jwt(fields["JWT"])
    key = next(k for k in keys if k["kid"] == header["kid"])
    claims = jwt.decode(fields["JWT"], jwt.PyJWK(key).key, algorithms=["RS256"], audience=mock.base_url)
    assert claims["iss"] == CLIENT and claims[LTI + "message_type"] == "LtiDeepLinkingResponse"
    assert claims[LTI + "deployment_id"] == DEPLOYMENT
    assert claims["https://purl.imsglobal.org/spec/lti-dl/claim/data"] == "opaque-data"
    items = claims["https://purl.imsglobal.org/spec/lti-dl/claim/content_items"]
    assert len(items) == 1 and items[0]["type"] == "ltiResourceLink" and items[0]["title"] == "漢字テスト1"
    assert items[0]["lineItem"] == {"scoreMaximum": 100, "label": "テスト1"}
    assert json.loads(page(r).find(id="launch-data").get_text())["claims"][DL_SETTINGS]["data"] == "opaque-data"


def test_tool_dynamic_registration(tool, mock):
    config = mock.url("/.well-known/openid-configuration")
    r = requests.get(tool.url("/register"), params={"openid_configuration": config, "registration_token": "good-token"})
    assert r.status_code == 200, r.text
    assert 'window.parent.postMessage({subject:"org.imsglobal.lti.close"}, "*")' in r.text
    sent = mock.registrations[-1]
    assert sent["initiate_login_uri"] == tool.url("/login") and sent["redirect_uris"] == [tool.url("/launch")]
    assert sent["token_endpoint_auth_method"] == "private_key_jwt" and sent["jwks_uri"] == tool.url("/jwks")
    assert {m["type"] for m in sent[TOOL_CONFIGURATION]["messages"]} == {"LtiResourceLinkRequest",
                                                                       "LtiDeepLinkingRequest"}
    assert "https://purl.imsglobal.org/spec/lti-ags/scope/score" in sent["scope"].split()
    assert sent[TOOL_CONFIGURATION]["domain"] == urlsplit(tool.base_url).netloc
    reg = [x for x in tool.config()["registrations"] if x["client_id"] == "dyn-client"]
    assert reg and reg[0]["deployment_ids"] == ["dyn-dep"] and reg[0]["issuer"] == mock.base_url
    bad = requests.get(tool.url("/register"), params={"openid_configuration": config, "registration_token": "bad"})
    assert bad.status_code == 502 and tool.config()["dynamic"][-1]["registration_status"] == 401


def test_tool_key_rotation_keeps_the_old_key_published(tool):
    before = tool.config()["signing_kid"]
    rotated = tool.knob("/test/rotate-key", {})
    kids = [k["kid"] for k in requests.get(tool.url("/jwks"), timeout=10).json()["keys"]]
    assert before in kids and rotated["signing_kid"] in kids and rotated["signing_kid"] != before
