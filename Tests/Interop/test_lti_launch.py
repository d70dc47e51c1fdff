"""LTI 1.3 core launches from Kakehashi (the platform) to an independent tool built on pylti1p3.

Each hop is checked as a browser would make it: Kakehashi's GET /launch/{id} (303 to the tool's
initiate_login_uri), the tool's /login (pylti1p3 redirects to /lti/authorize), Kakehashi's
auto-submitting form, and the tool's /launch, where pylti1p3 validates the id_token. The tool
answers JSON with what it accepted, so the claims can be checked here. The negative cases check
that Kakehashi refuses replays, foreign redirect URIs, bad message hints and the wrong user.
"""

import base64
import json
import os
import re
import time
from urllib.parse import urlencode, urlsplit, urlunsplit

import pytest
import requests

from conftest_lti import (
    AGS_CLAIM, AGS_SCOPES, DL_SETTINGS, INSTRUCTOR, LEARNER, LTI, NRPS_CLAIM, PLATFORM_CONFIGURATION,
    authorize, begin, describe, flip_last_char, form_to, forms_of, launch_link,
    platform_error, post_form, query, sign_in_student, through_tool_login, unverified_jwt, with_query,
)

ROLE_PREFIXES = ("http://purl.imsglobal.org/vocab/lis/v2/", "http://purl.imsglobal.org/vocab/lti/system/person#")


def csp_problems(response, redirect_uri):
    """Why a browser would not auto-submit the form to redirect_uri under the page's CSP."""
    csp = response.headers.get("Content-Security-Policy")
    if not csp:
        return []
    directives = {}
    for part in csp.split(";"):
        words = part.split()
        if words:
            directives[words[0].lower()] = words[1:]
    problems = []
    origin = "/".join(redirect_uri.split("/")[:3])
    form_action = directives.get("form-action")
    if form_action is not None and not any(
            src in ("*", origin, redirect_uri) or (src.endswith("/") and redirect_uri.startswith(src))
            or src.rstrip("/") == origin for src in form_action):
        problems.append(f"form-action {' '.join(form_action)} forbids posting to {redirect_uri}")
    scripts = re.findall(r"<script([^>]*)>(.*?)</script>", response.text, flags=re.S | re.I)
    inline = [attrs for attrs, body in scripts if "src=" not in attrs and body.strip()]
    script_src = directives.get("script-src", directives.get("default-src"))
    if inline and script_src is not None and "'unsafe-inline'" not in script_src:
        nonces = {s[len("'nonce-"):-1] for s in script_src if s.startswith("'nonce-")}
        if not nonces or not all(re.search(r'nonce="?([^"\s>]+)', a) and
                                 re.search(r'nonce="?([^"\s>]+)', a).group(1) in nonces for a in inline):
            if not any(s.startswith("'sha") for s in script_src):
                problems.append(f"an inline script submits the form but script-src is {' '.join(script_src)}")
    if not scripts:
        problems.append("no script submits the form (it does not auto-submit)")
    return problems


# --- the platform's published configuration ------------------------------------------------------

def test_platform_configuration(server):
    r = requests.get(server.url("/.well-known/openid-configuration"), timeout=10)
    assert r.status_code == 200, describe(r)
    c = r.json()
    issuer = server.base_url
    assert c["issuer"] == issuer
    assert c["authorization_endpoint"] == issuer + "/lti/authorize"
    assert c["token_endpoint"] == issuer + "/lti/token"
    assert c["jwks_uri"] == issuer + "/lti/jwks"
    assert c["registration_endpoint"] == issuer + "/lti/register"
    assert c["token_endpoint_auth_methods_supported"] == ["private_key_jwt"]
    assert c["token_endpoint_auth_signing_alg_values_supported"] == ["RS256"]
    assert c["response_types_supported"] == ["id_token"]
    assert "RS256" in c["id_token_signing_alg_values_supported"]
    for name in ("scopes_supported", "subject_types_supported", "claims_supported"):
        assert c.get(name), f"{name} missing from the configuration"
    assert set(AGS_SCOPES) | {"https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly"} \
        <= set(c["scopes_supported"]), c["scopes_supported"]
    lti = c[PLATFORM_CONFIGURATION]
    assert lti.get("product_family_code") and lti.get("version"), lti
    types = {m["type"] for m in lti["messages_supported"]}
    assert {"LtiResourceLinkRequest", "LtiDeepLinkingRequest"} <= types, lti["messages_supported"]


def test_platform_jwks(server):
    r = requests.get(server.url("/lti/jwks"), timeout=10)
    assert r.status_code == 200, describe(r)
    keys = r.json()["keys"]
    assert keys
    for k in keys:
        assert k["kty"] == "RSA" and k["alg"] == "RS256" and k["use"] == "sig" and k["kid"], k
        assert k["n"] and k["e"]
        assert not {"d", "p", "q", "dp", "dq", "qi"} & set(k), "the JWKS publishes private key material"
    assert len({k["kid"] for k in keys}) == len(keys), "duplicate kids"


def test_cli_registered_tool_is_listed_active(server, lti_registration):
    out = server.cli("tools", "list").stdout
    rows = [line.split("\t") for line in out.splitlines() if line.strip()]
    row = next((r for r in rows if r[0] == lti_registration.client_id), None)
    assert row is not None, f"`tools list` does not list {lti_registration.client_id}: {out!r}"
    assert len(row) >= 3 and row[1] == "active", row
    assert row[2] == lti_registration.description["client_name"], row


# --- a student's launch, every hop checked --------------------------------------------------------

def test_student_launch(server, lti_tool, lti_registration, placement, lti_class, lti_people, student_browser):
    student = lti_people["student"]
    link = placement["id"]
    launch = begin(student_browser, server, lti_tool, f"/launch/{link}")

    # Step 1: third-party initiated login.
    p = launch.login_params
    assert p.get("iss") == server.base_url, p
    assert p.get("login_hint"), p
    assert p.get("target_link_uri") == lti_tool.url("/launch"), p
    assert p.get("client_id") == lti_registration.client_id, p
    assert p.get("lti_deployment_id") == lti_registration.deployment_id, p
    assert "deployment_id" not in p, "the login request must use lti_deployment_id, not deployment_id"
    assert len(p.get("lti_message_hint", "").split(".")) == 3, f"lti_message_hint is not a JWT: {p}"
    assert student.sourced_id not in launch.login_url and student.username not in launch.login_url, (
        f"the login request names the student: {launch.login_url}")

    # Step 2: the authentication request pylti1p3 built, and Kakehashi's auto-submitting form.
    through_tool_login(student_browser, server, lti_tool, launch)
    q = launch.authorize_params
    assert q["redirect_uri"] == lti_tool.url("/launch") and q["lti_message_hint"] == p["lti_message_hint"]
    r = authorize(student_browser, launch)
    assert r.status_code == 200, describe(r)
    assert r.headers.get("Content-Type", "").startswith("text/html"), r.headers.get("Content-Type")
    fields = form_to(r, lti_tool.url("/launch"))
    assert fields.get("id_token") and fields.get("state") == q["state"], fields
    assert not csp_problems(r, lti_tool.url("/launch")), (
        f"a browser would not auto-post the launch: {csp_problems(r, lti_tool.url('/launch'))}; "
        f"Content-Security-Policy: {r.headers.get('Content-Security-Policy')}")

    # Step 3: pylti1p3 accepts the id_token.
    post_form(student_browser, lti_tool, launch)
    data = launch.json()
    header, claims = data["header"], data["claims"]
    assert header["alg"] == "RS256" and header.get("kid"), header
    assert header.get("typ") == "JWT", header
    kids = {k["kid"] for k in requests.get(server.url("/lti/jwks"), timeout=10).json()["keys"]}
    assert header["kid"] in kids
    assert claims["iss"] == server.base_url
    aud = claims["aud"]
    if isinstance(aud, list):
        assert lti_registration.client_id in aud and claims.get("azp") == lti_registration.client_id, claims
    else:
        assert aud == lti_registration.client_id
    assert claims["nonce"] == q["nonce"]
    now = time.time()
    assert claims["iat"] <= now + 1, "iat lies in the future"
    assert now < claims["exp"] <= claims["iat"] + 3600, (claims["iat"], claims["exp"])
    assert claims[LTI + "version"] == "1.3.0"
    assert claims[LTI + "message_type"] == "LtiResourceLinkRequest"
    assert claims[LTI + "deployment_id"] == lti_registration.deployment_id == p["lti_deployment_id"]
    assert claims[LTI + "target_link_uri"] == lti_tool.url("/launch")
    assert claims[LTI + "resource_link"]["id"] == link
    assert claims[LTI + "resource_link"].get("title") == placement["title"]

    roles = claims[LTI + "roles"]
    assert LEARNER in roles and INSTRUCTOR not in roles, roles
    assert all(r.startswith(ROLE_PREFIXES) for r in roles), f"roles must be full URIs: {roles}"
    assert data["is_student"] and not data["is_teacher"]

    context = claims[LTI + "context"]
    assert context["id"] == lti_class.sourced_id, context
    assert context.get("title") == lti_class.title, context
    assert any(t.startswith("http://purl.imsglobal.org/vocab/lis/v2/course#") for t in context.get("type", [])), context

    sub = claims["sub"]
    assert sub and sub not in (student.sourced_id, student.username), f"sub is not pseudonymous: {sub}"
    dump = json.dumps(claims, ensure_ascii=False)
    assert student.sourced_id not in dump, "the student's roster sourcedId reaches a pseudonymous tool"
    assert student.username not in dump, "the student's username reaches a pseudonymous tool"
    assert "email" not in claims, "privacy.email is false, yet the email claim was sent"
    assert claims.get("name") and all(part in claims["name"] for part in student.name.split()), claims.get("name")

    locale = claims.get("locale") or (claims.get(LTI + "launch_presentation") or {}).get("locale")
    assert locale == "ja-JP", f"locale {locale!r}"

    assert data["has_ags"] and data["has_nrps"], "the tool was granted AGS and NRPS scopes"
    ags = claims[AGS_CLAIM]
    assert set(ags["scope"]) <= set(AGS_SCOPES) and ags["scope"], ags
    assert ags["lineitems"].startswith(server.base_url + "/"), ags
    nrps = claims[NRPS_CLAIM]
    assert nrps["context_memberships_url"].startswith(server.base_url + "/"), nrps
    assert nrps.get("service_versions") == ["2.0"], nrps
    assert DL_SETTINGS not in claims

    # Custom parameters: the tool's, with $Kakehashi.grade expanded.
    custom = claims.get(LTI + "custom") or {}
    assert "grade" in custom and custom["grade"] and not custom["grade"].startswith("$"), (
        f"$Kakehashi.grade was not substituted: {custom}")
    assert custom["grade"] in {student.grades, lti_class.grades} | set(student.grades.split(",")), (
        f"custom grade {custom['grade']!r}: the student's grades are {student.grades!r}, the class's {lti_class.grades!r}")
    assert all(isinstance(v, str) for v in custom.values()), custom


def test_sub_is_stable_per_person(server, lti_tool, placement, student_browser, student_b_browser, lti_people):
    first = launch_link(student_browser, server, lti_tool, placement["id"]).json()
    again = launch_link(student_browser, server, lti_tool, placement["id"]).json()
    other = launch_link(student_b_browser, server, lti_tool, placement["id"]).json()
    assert first["sub"] == again["sub"], "two launches of the same tool gave the student two subs"
    assert first["launch_id"] != again["launch_id"]
    assert other["sub"] != first["sub"], "two students share a sub"
    assert lti_people["student_b"].sourced_id != other["sub"]


def test_teacher_launch(server, lti_tool, lti_registration, placement, lti_class, lti_people, teacher_browser):
    data = launch_link(teacher_browser, server, lti_tool, placement["id"]).json()
    claims = data["claims"]
    roles = claims[LTI + "roles"]
    assert INSTRUCTOR in roles and LEARNER not in roles, roles
    assert all(r.startswith(ROLE_PREFIXES) for r in roles), roles
    assert data["is_teacher"]
    assert claims[LTI + "context"]["id"] == lti_class.sourced_id
    assert claims[LTI + "resource_link"]["id"] == placement["id"]
    teacher = lti_people["teacher"]
    assert data["sub"] not in (teacher.sourced_id, teacher.username)
    assert teacher.sourced_id not in json.dumps(claims, ensure_ascii=False)
    assert (claims.get("locale") or (claims.get(LTI + "launch_presentation") or {}).get("locale")) == "ja-JP"


def test_launch_of_an_unknown_link_is_refused(server, student_browser):
    r = student_browser.get(server.url("/launch/no-such-link"), allow_redirects=False, timeout=10)
    assert r.status_code == 404, describe(r)


def test_student_of_another_class_cannot_launch(server, people, lti_class, lti_roster, placement):
    """A link placed in a class is launched by its members only."""
    taken = {u.username for u in people["students"][:8]}
    outsider = next(s for c in lti_roster.values() if c.sourced_id != lti_class.sourced_id
                    for s in c.students if s.username not in taken
                    and s.sourced_id not in {m.sourced_id for m in lti_class.students})
    browser = sign_in_student(server, outsider)
    r = browser.get(server.url(f"/launch/{placement['id']}"), allow_redirects=False, timeout=10)
    assert r.status_code in (403, 404), describe(r)


# --- refusals -------------------------------------------------------------------------------------

def test_replayed_id_token_is_refused(server, lti_tool, placement, student_browser):
    """pylti1p3 does not consume nonces; the tool does, on top of it. A second post of the same
    id_token and state (same browser, then a browser without the tool's cookies) is refused."""
    launch = launch_link(student_browser, server, lti_tool, placement["id"])
    launch.json()
    again = student_browser.post(lti_tool.url("/launch"), data=launch.fields, timeout=15)
    assert again.status_code == 400, describe(again)
    thief = requests.post(lti_tool.url("/launch"), data=launch.fields, timeout=15)
    assert thief.status_code == 400, describe(thief)


def test_replayed_message_hint_is_refused(server, lti_tool, placement, student_browser):
    launch = launch_link(student_browser, server, lti_tool, placement["id"])
    launch.json()
    # The very same authentication request again.
    r = student_browser.get(launch.authorize_url, allow_redirects=False, timeout=15)
    kind, code, detail = platform_error(r)
    assert (kind == "form" and code == "launch_no_longer_valid") or (kind == "http" and code == 400), (
        f"replayed authentication request: {kind} {code} {detail}; {describe(r)}")
    if kind == "form":
        assert form_to(r, lti_tool.url("/launch"))  # posted back to the registered redirect URI only
        answer = student_browser.post(lti_tool.url("/launch"), data=form_to(r, lti_tool.url("/launch")), timeout=15)
        assert answer.status_code == 400 and answer.json().get("platform_error") == "launch_no_longer_valid"
    # A fresh login at the tool (new state and nonce) with the same login initiation parameters.
    again = through_tool_login(student_browser, server, lti_tool, launch)
    r = authorize(student_browser, again)
    kind, code, detail = platform_error(r)
    assert (kind == "form" and code == "launch_no_longer_valid") or (kind == "http" and code == 400), (
        f"replayed lti_message_hint: {kind} {code} {detail}; {describe(r)}")


@pytest.mark.parametrize("redirect", ["/not-registered", "/launch/", "/launch?x=1", "other-host"],
                         ids=["other-path", "trailing-slash", "extra-query", "other-host"])
def test_unregistered_redirect_uri_gets_an_error_page(server, lti_tool, placement, student_browser, redirect):
    launch = through_tool_login(student_browser, server, lti_tool,
                                begin(student_browser, server, lti_tool, f"/launch/{placement['id']}"))
    target = "http://127.0.0.1:9/launch" if redirect == "other-host" else lti_tool.url(redirect)
    r = student_browser.get(with_query(launch.authorize_url, redirect_uri=target), allow_redirects=False, timeout=15)
    assert r.status_code == 400, f"redirect_uri {target}: {describe(r)}"
    assert "Location" not in r.headers
    assert not [f for f in forms_of(r) if f[0] == target or "id_token" in f[2]], (
        f"the error page posts to the unregistered redirect_uri {target}")
    assert "id_token" not in r.text


def test_unknown_client_id_is_refused(server, lti_tool, placement, student_browser):
    launch = through_tool_login(student_browser, server, lti_tool,
                                begin(student_browser, server, lti_tool, f"/launch/{placement['id']}"))
    r = student_browser.get(with_query(launch.authorize_url, client_id="no-such-client"),
                            allow_redirects=False, timeout=15)
    assert r.status_code in (400, 404), describe(r)
    assert "id_token" not in r.text


@pytest.mark.parametrize("hint", ["tampered", "not-a-jwt", "unsigned"])
def test_bad_message_hint_is_refused(server, lti_tool, placement, student_browser, hint):
    launch = through_tool_login(student_browser, server, lti_tool,
                                begin(student_browser, server, lti_tool, f"/launch/{placement['id']}"))
    original = launch.authorize_params["lti_message_hint"]
    if hint == "tampered":
        bad = flip_last_char(original)
    elif hint == "not-a-jwt":
        bad = "launch-" + original[:20]
    else:  # the same claims with alg none and no signature
        head = base64.urlsafe_b64encode(b'{"alg":"none","typ":"JWT"}').rstrip(b"=").decode()
        bad = head + "." + original.split(".")[1] + "."
    r = student_browser.get(with_query(launch.authorize_url, lti_message_hint=bad), allow_redirects=False, timeout=15)
    assert r.status_code == 400, f"{hint} lti_message_hint: {describe(r)}"
    assert "id_token" not in r.text
    # The genuine hint still works afterwards (a refused forgery does not burn it).
    authorize(student_browser, launch)
    post_form(student_browser, lti_tool, launch)
    assert launch.json()["claims"][LTI + "resource_link"]["id"] == placement["id"]


def test_expired_message_hint_is_refused(server, lti_tool, placement, student_browser):
    launch = through_tool_login(student_browser, server, lti_tool,
                                begin(student_browser, server, lti_tool, f"/launch/{placement['id']}"))
    _, claims = unverified_jwt(launch.authorize_params["lti_message_hint"])
    assert "exp" in claims, f"the lti_message_hint carries no exp: {claims}"
    wait = claims["exp"] - time.time() + 2
    assert wait < 3600, f"lti_message_hint lives {wait:.0f} s"
    if wait > 130 and not os.environ.get("KAKEHASHI_LTI_SLOW"):
        pytest.skip(f"the lti_message_hint lives {wait:.0f} s; set KAKEHASHI_LTI_SLOW=1 to wait for it")
    time.sleep(max(wait, 0))
    r = authorize(student_browser, launch)
    assert r.status_code == 400, f"expired lti_message_hint: {describe(r)}"
    assert "id_token" not in r.text


def test_login_hint_of_another_user(server, lti_tool, placement, student_browser, student_b_browser):
    """Student B's launch, completed in student A's browser: Kakehashi says login_required."""
    theirs = begin(student_b_browser, server, lti_tool, f"/launch/{placement['id']}")
    through_tool_login(student_browser, server, lti_tool, theirs)  # in A's browser
    r = authorize(student_browser, theirs)
    kind, code, detail = platform_error(r)
    assert (kind == "form" and code == "login_required") or (kind == "http" and "login_required" in r.text), (
        f"another user's login_hint: {kind} {code} {detail}; {describe(r)}")
    if kind == "form":
        assert forms_of(r)[0][0] == lti_tool.url("/launch")


def test_signed_out_browser_gets_login_required(server, lti_tool, placement, student_browser):
    launch = begin(student_browser, server, lti_tool, f"/launch/{placement['id']}")
    stranger = requests.Session()
    through_tool_login(stranger, server, lti_tool, launch)
    r = authorize(stranger, launch)
    kind, code, detail = platform_error(r)
    assert (kind == "form" and code == "login_required") or (kind == "http" and "login_required" in r.text), (
        f"no Kakehashi session: {kind} {code} {detail}; {describe(r)}")


@pytest.mark.parametrize("change", [{"nonce": None}, {"scope": "profile"}, {"prompt": None}],
                         ids=["no-nonce", "wrong-scope", "no-prompt"])
def test_malformed_authentication_request(server, lti_tool, placement, student_browser, change):
    launch = through_tool_login(student_browser, server, lti_tool,
                                begin(student_browser, server, lti_tool, f"/launch/{placement['id']}"))
    q = query(launch.authorize_url)
    for k, v in change.items():
        if v is None:
            q.pop(k, None)
        else:
            q[k] = v
    url = urlunsplit(urlsplit(launch.authorize_url)._replace(query=urlencode(q)))
    r = student_browser.get(url, allow_redirects=False, timeout=15)
    kind, code, detail = platform_error(r)
    # The digest names invalid_request_object; for a wrong scope RFC 6749 §4.1.2.1's invalid_scope fits too.
    codes = {"invalid_request_object", "invalid_scope"} if "scope" in change else {"invalid_request_object"}
    assert (kind == "form" and code in codes) or (kind == "http" and code == 400), (
        f"{change}: {kind} {code} {detail}; {describe(r)}")
