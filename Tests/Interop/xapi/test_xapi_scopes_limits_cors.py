"""Credentials limited to xAPI scopes (Communication 4.2; 403, XAPI-00327), the request size limit
(413, XAPI-00328) and cross-origin calls from browser content (CORS on /xapi/ only)."""

import pytest
import requests

from .conftest import SMALL_BODY_LIMIT, TENANT
from .lrs import (ACTIVITY_PROFILE, AGENT_PROFILE, STATE, TIMEOUT, activity, agent, describe, expect_status, ids_of, new_document,
                  statement)

req = pytest.mark.requirement


def expect_xapi_error(r, status, why, mentions=()):
    expect_status(r, status, why)
    assert r.headers.get("X-Experience-API-Version") in ("1.0.3", "2.0.0"), (
        f"expected X-Experience-API-Version on the {status} answer; got {describe(r)}")
    body = r.json()
    assert isinstance(body, dict) and body.get("error") and body.get("message"), (
        f"expected an xAPI error body {{error, message}}; got {describe(r)}")
    for word in mentions:
        assert word in body["message"], f"expected the message to name {word!r}; got {body['message']!r}"
    return body


# --- scopes (403) ---------------------------------------------------------------------------------

@req("XAPI-00327", "KAKEHASHI-SCOPES")
def test_a_reading_credential_may_not_write(lrs, scoped_credentials):
    reader = lrs.with_auth(*scoped_credentials("statements/read"))
    s = statement()
    expect_xapi_error(reader.post_statements(s), 403, "a POST with credentials limited to statements/read",
                      mentions=("statements/write",))
    expect_xapi_error(reader.put_statement(s), 403, "a PUT with credentials limited to statements/read")
    expect_status(lrs.get_statement(s["id"]), 404, "a GET of the statement the reader was refused")
    lrs.store(s)
    assert reader.fetch(s["id"])["id"] == s["id"]
    r = reader.doc("PUT", STATE.path, STATE.params(), new_document())
    expect_xapi_error(r, 403, "a State PUT with credentials limited to statements/read", mentions=("state",))


@req("XAPI-00327", "KAKEHASHI-SCOPES")
def test_a_writing_credential_may_not_read(lrs, scoped_credentials):
    writer = lrs.with_auth(*scoped_credentials("statements/write"))
    s = statement()
    assert writer.store(s) == [s["id"]]
    expect_xapi_error(writer.get_statement(s["id"]), 403, "a GET with credentials limited to statements/write",
                      mentions=("statements/read",))
    expect_xapi_error(writer.get_statements(verb=s["verb"]["id"]), 403, "a query with statements/write only")
    expect_xapi_error(writer.request("GET", "activities", params={"activityId": s["object"]["id"]}), 403,
                      "GET activities with statements/write only")


@req("XAPI-00327", "KAKEHASHI-SCOPES")
def test_document_scopes_open_only_their_resources(lrs, scoped_credentials):
    state = lrs.with_auth(*scoped_credentials("state"))
    profile = lrs.with_auth(*scoped_credentials("profile"))
    params = STATE.params()
    expect_status(state.doc("PUT", STATE.path, params, new_document()), 204, "a State PUT with the state scope")
    expect_status(state.doc("GET", STATE.path, params), 200, "a State GET with the state scope")
    expect_xapi_error(profile.doc("GET", STATE.path, params), 403, "a State GET with the profile scope only")
    profile_params = ACTIVITY_PROFILE.params()
    expect_status(profile.doc("PUT", ACTIVITY_PROFILE.path, profile_params, new_document()), 204,
                  "an activity profile PUT with the profile scope")
    expect_xapi_error(state.doc("GET", ACTIVITY_PROFILE.path, profile_params), 403,
                      "an activity profile GET with the state scope only", mentions=("profile",))
    expect_xapi_error(state.post_statements(statement()), 403, "a statement POST with the state scope only")
    reader = lrs.with_auth(*scoped_credentials("all/read"))
    expect_status(reader.doc("GET", ACTIVITY_PROFILE.path, profile_params), 200, "a profile GET with all/read")
    expect_xapi_error(reader.doc("DELETE", ACTIVITY_PROFILE.path, profile_params), 403, "a profile DELETE with all/read")


@req("XAPI-00327", "KAKEHASHI-SCOPES")
@pytest.mark.parametrize("resource", [STATE, ACTIVITY_PROFILE, AGENT_PROFILE], ids=lambda r: r.path)
def test_state_and_profile_alone_reach_only_the_credentials_own_documents(lrs, scoped_credentials, resource):
    scope = "state" if resource is STATE else "profile"
    mine = lrs.with_auth(*scoped_credentials(scope))
    theirs = lrs.with_auth(*scoped_credentials(scope, label="another vendor"))
    params = resource.params()
    written = new_document()
    expect_status(mine.doc("PUT", resource.path, params, written), 204, f"a {resource.path} PUT with the {scope} scope")
    # Another credential with the same scope does not see it, cannot change it, and its DELETE
    # leaves it.
    expect_status(theirs.doc("GET", resource.path, params), 404, f"a GET of another credential's {resource.path} document")
    listing = {k: v for k, v in params.items() if k != resource.id_param}
    r = expect_status(theirs.doc("GET", resource.path, listing), 200, f"a GET of the {resource.path} ids by another credential")
    assert params[resource.id_param] not in r.json(), f"expected another credential's document id not listed; got {r.json()}"
    expect_xapi_error(theirs.doc("PUT", resource.path, params, new_document()), 403,
                      f"a {resource.path} PUT over another credential's document", mentions=(scope,))
    expect_xapi_error(theirs.doc("POST", resource.path, params, new_document()), 403,
                      f"a {resource.path} POST into another credential's document")
    expect_status(theirs.doc("DELETE", resource.path, params), 204, f"a {resource.path} DELETE of another credential's document")
    if resource is STATE:
        expect_status(theirs.doc("DELETE", resource.path, listing), 204, "a DELETE of every State of the scope by another credential")
    r = expect_status(mine.doc("GET", resource.path, params), 200, f"the writer's GET after the other credential's attempts")
    assert r.json() == written, f"expected the document as its writer stored it; got {describe(r)}"
    r = expect_status(mine.doc("GET", resource.path, listing), 200, f"the writer's GET of the {resource.path} ids")
    assert params[resource.id_param] in r.json(), f"expected the writer's own document listed; got {r.json()}"
    # Credentials that reach every document (all, all/read) still do.
    expect_status(lrs.doc("GET", resource.path, params), 200, f"a {resource.path} GET with the all scope")
    expect_status(lrs.with_auth(*scoped_credentials("all/read")).doc("GET", resource.path, params), 200,
                  f"a {resource.path} GET with all/read")
    # The writer's own changes and DELETE work as ever.
    expect_status(mine.doc("POST", resource.path, params, {"more": 1}), 204, f"the writer's {resource.path} POST")
    r = expect_status(lrs.doc("GET", resource.path, params), 200, f"a {resource.path} GET after the writer's POST")
    assert r.json().get("more") == 1, f"expected the writer's POST merged; got {describe(r)}"
    expect_status(mine.doc("DELETE", resource.path, params), 204, f"the writer's {resource.path} DELETE")
    expect_status(lrs.doc("GET", resource.path, params), 404, f"a {resource.path} GET after the writer's DELETE")


@req("XAPI-00327", "KAKEHASHI-SCOPES")
def test_read_mine_sees_only_the_credentials_own_statements(lrs, scoped_credentials):
    mine = lrs.with_auth(*scoped_credentials("statements/write", "statements/read/mine"))
    target = activity()
    own, other = statement(obj=target), statement(obj=target)
    mine.store(own)
    lrs.store(other)
    assert mine.fetch(own["id"])["id"] == own["id"]
    expect_status(mine.get_statement(other["id"]), 404, "a GET of another credential's statement with read/mine")
    found = ids_of(mine.query_all(activity=target["id"])[0])
    assert found == [own["id"]], f"expected only the credential's own statement; got {found}"
    assert set(ids_of(lrs.query_all(activity=target["id"])[0])) == {own["id"], other["id"]}


@req("KAKEHASHI-SCOPES")
def test_without_define_statements_are_stored_but_do_not_redefine(lrs, scoped_credentials):
    plain = lrs.with_auth(*scoped_credentials("statements/write"))
    definer = lrs.with_auth(*scoped_credentials("statements/write", "define"))
    aid = activity()["id"]
    lrs.store(statement(obj=activity(aid, name={"ja-JP": "漢字ドリル"})))
    who = agent(name="山田 花子")
    undefined = statement(actor=who, obj=activity(aid, name={"ja-JP": "書き換え"}, description={"ja-JP": "定義なし"}))
    assert plain.store(undefined) == [undefined["id"]]
    assert lrs.fetch(undefined["id"])["object"]["definition"]["name"] == {"ja-JP": "書き換え"}, (
        "expected the statement stored whole, its definition included")
    got = lrs.request("GET", "activities", params={"activityId": aid}).json()
    assert got.get("definition") == {"name": {"ja-JP": "漢字ドリル"}}, (
        f"expected a statement written without define to leave the activity's definition as it was; got {got.get('definition')}")
    named = lrs.request("GET", "agents", params={"agent": __import__("json").dumps({"mbox": who["mbox"]})}).json()
    assert "山田 花子" not in named.get("name", []), f"expected no name from a statement without define; got {named}"
    definer.store(statement(actor=who, obj=activity(aid, description={"ja-JP": "定義あり"})))
    got = lrs.request("GET", "activities", params={"activityId": aid}).json()
    assert got.get("definition") == {"name": {"ja-JP": "漢字ドリル"}, "description": {"ja-JP": "定義あり"}}, (
        f"expected a statement written with define to add to the definition; got {got.get('definition')}")
    named = lrs.request("GET", "agents", params={"agent": __import__("json").dumps({"mbox": who["mbox"]})}).json()
    assert named.get("name") == ["山田 花子"], f"expected the name from the statement written with define; got {named}"


@req("KAKEHASHI-SCOPES")
def test_an_unknown_scope_is_refused_when_the_credential_is_made(server):
    result = server.cli("lrs", "credentials", "create", "--tenant", TENANT, "--scope", "statements/delete", check=False)
    assert result.returncode != 0, f"expected an unknown scope to be refused; got {result.stdout}"
    assert "statements/delete" in result.stdout + result.stderr


# --- size limit (413) -----------------------------------------------------------------------------

def padded_statement(size):
    """A valid statement whose result.response pads it to about `size` bytes."""
    s = statement()
    s["result"] = {"response": "x" * size}
    return s


@req("XAPI-00328")
def test_a_statement_over_the_size_limit_is_413(small_limit_lrs):
    r = small_limit_lrs.post_statements(padded_statement(SMALL_BODY_LIMIT + 1024))
    body = expect_xapi_error(r, 413, f"a POST of a statement over the configured {SMALL_BODY_LIMIT}-byte limit")
    assert str(SMALL_BODY_LIMIT) in body["message"], f"expected the message to name the limit; got {body}"
    s = padded_statement(SMALL_BODY_LIMIT + 1024)
    expect_xapi_error(small_limit_lrs.put_statement(s), 413, "a PUT of a statement over the limit")
    small = padded_statement(1024)
    assert small_limit_lrs.store(small) == [small["id"]], "a statement under the limit is stored"


@req("XAPI-00328")
def test_a_streamed_body_over_the_size_limit_is_413(small_limit_lrs):
    """Chunked transfer (no Content-Length): refused once the limit is passed."""
    def chunks():
        yield b'[{"actor":{"mbox":"mailto:a@example.org"},"verb":{"id":"http://adlnet.gov/expapi/verbs/experienced"},'
        yield b'"object":{"id":"http://kakehashi.test/xapi/activity/big"},"result":{"response":"'
        for _ in range(16):
            yield b"x" * 16384
        yield b'"}}]'
    r = small_limit_lrs.request("POST", "statements", data=chunks(), content_type="application/json")
    expect_xapi_error(r, 413, "a chunked POST over the configured limit")


@req("XAPI-00328")
def test_a_document_over_the_size_limit_is_413(small_limit_lrs):
    r = small_limit_lrs.doc("PUT", STATE.path, STATE.params(), {"text": "y" * (SMALL_BODY_LIMIT + 10)})
    expect_xapi_error(r, 413, "a State PUT over the configured limit")


# --- CORS -----------------------------------------------------------------------------------------

ORIGIN = "https://content.example.jp"


@req("KAKEHASHI-CORS")
def test_preflight_allows_what_xapi_clients_send(lrs):
    r = requests.options(lrs.url("statements"), timeout=TIMEOUT, headers={
        "Origin": ORIGIN, "Access-Control-Request-Method": "PUT",
        "Access-Control-Request-Headers": "authorization,content-type,x-experience-api-version,if-match"})
    assert r.status_code in (200, 204), f"expected 200 or 204 to a preflight; got {describe(r)}"
    assert r.headers.get("Access-Control-Allow-Origin") in ("*", ORIGIN), f"no Allow-Origin: {dict(r.headers)}"
    assert "Access-Control-Allow-Credentials" not in r.headers, "the LRS uses no cookies: no Allow-Credentials"
    allowed = {h.strip().lower() for h in r.headers.get("Access-Control-Allow-Headers", "").split(",")}
    assert {"authorization", "content-type", "x-experience-api-version", "if-match", "if-none-match"} <= allowed, allowed
    methods = {m.strip() for m in r.headers.get("Access-Control-Allow-Methods", "").split(",")}
    assert {"GET", "PUT", "POST", "DELETE"} <= methods, methods


@req("KAKEHASHI-CORS")
def test_browser_content_can_read_the_answer_and_its_headers(lrs):
    s = statement()
    lrs.store(s)
    for r in (lrs.get_statements(verb=s["verb"]["id"], headers={"Origin": ORIGIN}),
              lrs.get_statements(auth=False, headers={"Origin": ORIGIN})):
        assert r.headers.get("Access-Control-Allow-Origin") in ("*", ORIGIN), f"no Allow-Origin: {describe(r)}"
        exposed = {h.strip().lower() for h in r.headers.get("Access-Control-Expose-Headers", "").split(",")}
        assert {"etag", "last-modified", "x-experience-api-consistent-through", "x-experience-api-version"} <= exposed, exposed


@req("KAKEHASHI-CORS")
def test_the_pages_are_not_open_to_other_origins(server):
    for r in (requests.get(server.url("/signin"), headers={"Origin": ORIGIN}, timeout=TIMEOUT),
              requests.options(server.url("/signin"), timeout=TIMEOUT,
                               headers={"Origin": ORIGIN, "Access-Control-Request-Method": "POST"})):
        assert "Access-Control-Allow-Origin" not in r.headers, f"a page answered CORS: {describe(r)}"
