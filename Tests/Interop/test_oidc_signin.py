"""OpenID Connect sign-in against an independent provider (Authlib), hop by hop.

Every redirect is followed by hand so that each hop is checked: Kakehashi's authorization
request (PKCE S256, state, nonce), the provider's answer, and Kakehashi's callback.
The first tests check the provider itself, so that a rejection by Kakehashi can be trusted to
be about the token the test meant to send.
"""

import base64
import hashlib
import re
import secrets
import time
from urllib.parse import parse_qs, urlencode, urlsplit, urlunsplit

import pytest
import requests
from joserfc import jwt
from joserfc.errors import BadSignatureError
from joserfc.jwk import KeySet

from conftest import CLIENT_ID, TENANT, page, set_cookie_names

CALLBACK = "/signin/oidc/callback"
CHALLENGE = re.compile(r"^[A-Za-z0-9_-]{43}$")  # base64url of a SHA-256 digest, unpadded


def query(url):
    return {k: v[0] for k, v in parse_qs(urlsplit(url).query, keep_blank_values=True).items()}


def with_query(url, **changes):
    parts = urlsplit(url)
    q = dict(query(url), **changes)
    return urlunsplit(parts._replace(query=urlencode(q)))


def path_of(location, server):
    """The path a Location header points to, after checking it stays on this server."""
    parts = urlsplit(location)
    if parts.netloc:
        assert f"{parts.scheme}://{parts.netloc}" == server.base_url, f"redirect leaves the server: {location}"
    return parts.path


def person(user, roster, **overrides):
    """What the provider says about a roster user; `sub` is the provider's own id, not the roster's."""
    claims = {
        "sub": "op-" + user.sourced_id[:8],
        "preferred_username": user.username,
        "email": roster[user.username]["email"] or f"{user.username}@example.invalid",
        "name": user.name,
        "amr": ["pwd"],
    }
    claims.update(overrides)
    return claims


def begin(session, server, provider):
    """GET /signin/oidc/<tenant>: Kakehashi's authorization request, checked; returns its URL."""
    r = session.get(server.url(f"/signin/oidc/{TENANT}"), allow_redirects=False)
    assert r.status_code == 303, f"/signin/oidc/{TENANT} answered {r.status_code}: {r.text[:300]}"
    location = r.headers["Location"]
    assert location.startswith(provider.issuer + "/authorize?"), location
    return location


def through_provider(session, authorize_url, server):
    """The provider signs the staged person in and redirects back; returns the callback URL."""
    r = session.get(authorize_url, allow_redirects=False)
    assert r.status_code == 302, f"provider refused the authorization request: {r.status_code} {r.text[:300]}"
    callback = r.headers["Location"]
    assert callback.startswith(server.url(CALLBACK) + "?"), callback
    q = query(callback)
    assert "error" not in q, f"provider error: {q}"
    assert q.get("code") and q.get("state"), q
    return callback


def sign_in(session, server, provider, claims, **knobs):
    """The whole flow; returns (callback URL, Kakehashi's answer to it)."""
    provider.stage_login(**claims)
    if knobs:
        provider.configure(**knobs)
    callback = through_provider(session, begin(session, server, provider), server)
    return callback, session.get(callback, allow_redirects=False)


def assert_rejected(session, response, status, server):
    assert response.status_code == status, (
        f"expected {status}, got {response.status_code} (Location: {response.headers.get('Location')}): "
        f"{response.text[:300]}"
    )
    assert "kakehashi_session" not in set_cookie_names(response), "a rejected sign-in set a session cookie"
    alert = page(response).find("p", class_="error", attrs={"role": "alert"})
    assert alert is not None and alert.get_text(strip=True), "no <p class=\"error\" role=\"alert\"> explaining it"
    home = session.get(server.url("/home"), allow_redirects=False)
    assert home.status_code == 303 and path_of(home.headers["Location"], server) == "/signin", (
        f"/home after a rejected sign-in answered {home.status_code}"
    )


# --- The provider itself (no Kakehashi needed) ---------------------------------------------------

def provider_flow(provider, auth="basic", pkce=True, **knobs):
    """A minimal relying party written here, to check the peer: returns (nonce, token response)."""
    provider.stage_login(sub="self-check", preferred_username="self", email="self@example.invalid", amr=["pwd"])
    if knobs:
        provider.configure(**knobs)
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    nonce = secrets.token_urlsafe(12)
    params = dict(response_type="code", client_id=CLIENT_ID, redirect_uri=provider.redirect_uri,
                  scope="openid profile email", state="s", nonce=nonce)
    if pkce:
        params.update(code_challenge=challenge, code_challenge_method="S256")
    r = requests.get(provider.issuer + "/authorize", params=params, allow_redirects=False, timeout=10)
    assert r.status_code == 302
    q = query(r.headers["Location"])
    if "code" not in q:
        return nonce, q
    data = dict(grant_type="authorization_code", code=q["code"], redirect_uri=provider.redirect_uri,
                code_verifier=verifier)
    if auth == "basic":
        t = requests.post(provider.issuer + "/token", data=data, auth=(CLIENT_ID, provider.client_secret), timeout=10)
    else:
        data.update(client_id=CLIENT_ID, client_secret=provider.client_secret)
        t = requests.post(provider.issuer + "/token", data=data, timeout=10)
    assert t.status_code == 200, t.text
    return nonce, t.json()


def verified_claims(provider, id_token):
    keys = KeySet.import_key_set(requests.get(provider.issuer + "/jwks", timeout=10).json())
    return jwt.decode(id_token, keys, algorithms=["RS256"]).claims


def test_provider_discovery(provider):
    d = requests.get(provider.issuer + "/.well-known/openid-configuration", timeout=10).json()
    assert d["issuer"] == provider.issuer
    assert d["authorization_endpoint"] == provider.issuer + "/authorize"
    assert d["jwks_uri"] == provider.issuer + "/jwks"
    assert d["code_challenge_methods_supported"] == ["S256"]
    assert set(d["token_endpoint_auth_methods_supported"]) == {"client_secret_basic", "client_secret_post"}


@pytest.mark.parametrize("auth", ["basic", "post"])
def test_provider_issues_signed_id_tokens(provider, auth):
    nonce, token = provider_flow(provider, auth=auth)
    claims = verified_claims(provider, token["id_token"])
    assert claims["iss"] == provider.issuer and claims["aud"] == CLIENT_ID and claims["nonce"] == nonce
    assert claims["exp"] > time.time() + 60 and claims["amr"] == ["pwd"]
    assert claims["preferred_username"] == "self"


def test_provider_requires_pkce(provider):
    _, answer = provider_flow(provider, pkce=False)
    assert answer.get("error") == "invalid_request"


def test_provider_knobs_apply_once(provider):
    _, token = provider_flow(provider, audience="someone-else")
    assert verified_claims(provider, token["id_token"])["aud"] == "someone-else"
    _, token = provider_flow(provider, expires_in=-300)
    assert verified_claims(provider, token["id_token"])["exp"] < time.time() - 240
    _, token = provider_flow(provider, nonce="not-the-one-sent")
    assert verified_claims(provider, token["id_token"])["nonce"] == "not-the-one-sent"
    _, token = provider_flow(provider, issuer="http://127.0.0.1:9")
    assert verified_claims(provider, token["id_token"])["iss"] == "http://127.0.0.1:9"
    _, token = provider_flow(provider, foreign_key=True)
    with pytest.raises(BadSignatureError):
        verified_claims(provider, token["id_token"])
    nonce, token = provider_flow(provider)  # back to normal
    claims = verified_claims(provider, token["id_token"])
    assert (claims["aud"], claims["iss"], claims["nonce"]) == (CLIENT_ID, provider.issuer, nonce)
    assert claims["exp"] > time.time() + 60


# --- Kakehashi ------------------------------------------------------------------------------------

def test_signin_page_offers_the_idp(server, oidc):
    r = requests.get(server.url("/signin"), timeout=10)
    assert r.status_code == 200
    assert page(r).find("a", href=f"/signin/oidc/{TENANT}") is not None, "no link to the tenant's IdP"


def test_student_signs_in(server, oidc, people, roster):
    student = people["students"][1]
    s = requests.Session()
    oidc.stage_login(**person(student, roster))
    authorize = begin(s, server, oidc)

    q = query(authorize)
    assert q.get("response_type") == "code"
    assert q.get("client_id") == CLIENT_ID
    assert q.get("redirect_uri") == server.url(CALLBACK)
    assert "openid" in q.get("scope", "").split()
    assert q.get("state") and q.get("nonce")
    assert CHALLENGE.match(q.get("code_challenge", "")), q.get("code_challenge")
    assert q.get("code_challenge_method") == "S256"

    callback = through_provider(s, authorize, server)
    assert query(callback)["state"] == q["state"]
    r = s.get(callback, allow_redirects=False)
    assert r.status_code == 303, f"callback answered {r.status_code}: {r.text[:300]}"
    assert path_of(r.headers["Location"], server) == "/home"
    assert "kakehashi_session" in set_cookie_names(r)

    exchange = oidc.token_log()[-1]
    assert exchange["code_verifier"], "Kakehashi did not send the PKCE code_verifier"

    home = s.get(server.url("/home"), allow_redirects=False)
    assert home.status_code == 200
    soup = page(home)
    assert student.name in soup.h1.get_text()
    assert "わたしのクラス" in soup.get_text()
    for title in roster[student.username]["classes"]:
        assert title in soup.get_text(), f"class {title} missing on the student's home"

    successes = [row for row in server.audit_rows()
                 if row["action"] == "signin.success" and row["subject"] == f"user:{TENANT}/{student.sourced_id}"]
    assert successes and successes[-1]["details"].get("method") == "oidc", successes


def test_each_attempt_gets_fresh_state_nonce_and_challenge(server, oidc):
    a = query(begin(requests.Session(), server, oidc))
    b = query(begin(requests.Session(), server, oidc))
    for name in ("state", "nonce", "code_challenge"):
        assert a[name] != b[name], f"{name} repeated across sign-in attempts"


@pytest.mark.parametrize(
    "knobs",
    [
        {"audience": "someone-else"},
        {"expires_in": -300},
        {"nonce": "not-the-one-sent"},
        {"foreign_key": True},
        {"issuer": "http://127.0.0.1:9"},
    ],
    ids=["wrong-audience", "expired", "nonce-mismatch", "bad-signature", "wrong-issuer"],
)
def test_invalid_id_token_is_refused(server, oidc, people, roster, knobs):
    s = requests.Session()
    _, r = sign_in(s, server, oidc, person(people["students"][2], roster), **knobs)
    assert oidc.token_log()[-1]["knobs"] == knobs, "the provider did not issue the intended bad token"
    assert_rejected(s, r, 401, server)


def test_replayed_callback_is_refused(server, oidc, people, roster):
    s = requests.Session()
    callback, r = sign_in(s, server, oidc, person(people["students"][3], roster))
    assert r.status_code == 303 and path_of(r.headers["Location"], server) == "/home"
    exchanges = len(oidc.token_log())

    again = s.get(callback, allow_redirects=False)
    assert again.status_code == 400, f"replay in the same browser answered {again.status_code}"
    assert "kakehashi_session" not in set_cookie_names(again)

    thief = requests.Session()
    stolen = thief.get(callback, allow_redirects=False)
    assert_rejected(thief, stolen, 400, server)
    assert len(oidc.token_log()) == exchanges, "a replayed callback reached the token endpoint"


def test_state_never_issued_is_refused(server, oidc, people, roster):
    s = requests.Session()
    r = s.get(server.url(CALLBACK), params={"code": "made-up", "state": "never-issued"}, allow_redirects=False)
    assert_rejected(s, r, 400, server)

    # A genuine code, but the state was altered on the way back.
    s = requests.Session()
    oidc.stage_login(**person(people["students"][4], roster))
    callback = through_provider(s, begin(s, server, oidc), server)
    r = s.get(with_query(callback, state=secrets.token_urlsafe(16)), allow_redirects=False)
    assert_rejected(s, r, 400, server)


def test_unknown_person_is_refused(server, oidc, people):
    before = server.users("student") + server.users("teacher")
    stranger = {"sub": "op-stranger", "preferred_username": "nobody-" + secrets.token_hex(4),
                "email": "stranger@example.invalid", "amr": ["pwd"]}
    s = requests.Session()
    _, r = sign_in(s, server, oidc, stranger)
    assert_rejected(s, r, 403, server)
    after = server.users("student") + server.users("teacher")
    assert len(after) == len(before) and stranger["preferred_username"] not in {u.username for u in after}


def test_teacher_without_mfa_at_the_idp_must_enroll(server, oidc, people, roster):
    teacher = people["teachers"][2]  # not the demo teacher, not the browser test's teacher
    s = requests.Session()
    _, r = sign_in(s, server, oidc, person(teacher, roster, amr=["pwd"]))
    assert r.status_code == 303, f"callback answered {r.status_code}: {r.text[:300]}"
    assert path_of(r.headers["Location"], server) == "/mfa/setup"
    home = s.get(server.url("/home"), allow_redirects=False)
    assert home.status_code != 200, "staff reached /home without a second factor"


def test_teacher_with_mfa_at_the_idp_goes_home(server, oidc, people, roster):
    teacher = people["teachers"][2]
    s = requests.Session()
    _, r = sign_in(s, server, oidc, person(teacher, roster, amr=["pwd", "mfa"]))
    assert r.status_code == 303, f"callback answered {r.status_code}: {r.text[:300]}"
    assert path_of(r.headers["Location"], server) == "/home"
    home = s.get(server.url("/home"), allow_redirects=False)
    assert home.status_code == 200
    text = page(home).get_text()
    assert teacher.name in page(home).h1.get_text()
    classes = roster[teacher.username]["classes"]
    assert classes, "the demo teacher should teach a class"
    for title in classes:
        assert title in text, f"class {title} missing on the teacher's home"


@pytest.fixture
def register_idp(server, oidc):
    """Re-registers the provider with another match rule for one test; restores `username` after."""
    def register(match):
        server.cli("idp", "add", "--tenant", TENANT, "--issuer", oidc.issuer, "--client-id", CLIENT_ID,
                   "--client-secret-stdin", "--match", match, input=oidc.client_secret + "\n")
    yield register
    register("username")


def signs_in_as(session, response, server, user):
    assert response.status_code == 303, f"callback answered {response.status_code}: {response.text[:300]}"
    assert path_of(response.headers["Location"], server) == "/home"
    home = session.get(server.url("/home"), allow_redirects=False)
    assert home.status_code == 200 and user.name in page(home).h1.get_text()


def test_match_by_verified_email(server, oidc, people, roster, register_idp):
    register_idp("email")
    student = people["students"][5]
    decoy = people["students"][6].username  # a real username: must not decide who signs in
    s = requests.Session()
    _, r = sign_in(s, server, oidc, person(student, roster, preferred_username=decoy))
    signs_in_as(s, r, server, student)

    s = requests.Session()
    _, r = sign_in(s, server, oidc, person(student, roster, email_verified=False))
    assert r.status_code in (401, 403), f"unverified email answered {r.status_code}"
    assert_rejected(s, r, r.status_code, server)


def test_match_by_user_ids(server, oidc, people, roster, register_idp):
    student = people["students"][7]
    ids = dict(re.findall(r"\{([^:{}]+):([^{}]+)\}", roster[student.username]["userIds"]))
    assert ids, "the demo roster should give users userIds"
    id_type, identifier = next(iter(ids.items()))
    register_idp(f"userIds:{id_type}")
    decoy = people["students"][6].username
    s = requests.Session()
    _, r = sign_in(s, server, oidc, person(student, roster, sub=identifier, preferred_username=decoy))
    signs_in_as(s, r, server, student)

    s = requests.Session()
    _, r = sign_in(s, server, oidc, person(student, roster, sub="no-such-" + identifier))
    assert_rejected(s, r, 403, server)


def test_failures_are_audited(server, oidc, people, roster):
    def failures():
        return [row for row in server.audit_rows()
                if row["action"] == "signin.failure" and row["details"].get("method") == "oidc"]

    before = len(failures())
    s = requests.Session()
    _, r = sign_in(s, server, oidc, person(people["students"][2], roster), audience="someone-else")
    assert r.status_code == 401
    assert len(failures()) == before + 1


def test_audit_chain_is_intact(server):
    result = server.cli("audit", "verify", check=False)
    assert result.returncode == 0, result.stdout + result.stderr
