"""The version header (xAPI Communication 3.3), authentication (Communication 4) and Kakehashi's
tenant scoping of statements and documents."""

import base64

import pytest

from .lrs import (ACTIVITY_PROFILE, AGENT_PROFILE, STATE, activity, agent, describe, expect_status,
                  new_document, statement, uid)

req = pytest.mark.requirement

# One request per resource that needs nothing stored first.
def resource_requests():
    return {
        "statements-GET": ("GET", "statements", {"verb": "http://adlnet.gov/expapi/verbs/experienced"}, None),
        "statements-POST": ("POST", "statements", None, statement()),
        "statements-PUT": ("PUT", "statements", None, statement()),
        "activities-GET": ("GET", "activities", {"activityId": activity()["id"]}, None),
        "agents-GET": ("GET", "agents", {"agent": {"mbox": agent()["mbox"]}}, None),
        "state-PUT": ("PUT", STATE.path, STATE.params(), new_document()),
        "state-GET": ("GET", STATE.path, STATE.scope_params(), None),
        "activity-profile-POST": ("POST", ACTIVITY_PROFILE.path, ACTIVITY_PROFILE.params(), new_document()),
        "agent-profile-GET": ("GET", AGENT_PROFILE.path, AGENT_PROFILE.scope_params(), None),
    }


RESOURCES = sorted(resource_requests())


def call(lrs, name, **kw):
    method, path, params, body = resource_requests()[name]
    if name == "statements-PUT":
        params = {"statementId": body["id"]}
    return lrs.doc(method, path, params or {}, body, **kw)


def ok_status(name):
    return 200 if name.endswith("GET") or name == "statements-POST" else 204


# --- the version header ---------------------------------------------------------------------------

@req("XAPI-00321", "XAPI-00331", "KAKEHASHI-VERSION-HEADER")
@pytest.mark.parametrize("name", RESOURCES)
def test_missing_version_header_is_rejected(lrs_session_client, name):
    r = call(lrs_session_client, name, version=False)
    expect_status(r, 400, f"{name} without X-Experience-API-Version")
    assert r.headers.get("X-Experience-API-Version") in ("1.0.3", "2.0.0"), (
        f"expected X-Experience-API-Version on the 400 answer; got {r.headers.get('X-Experience-API-Version')!r}")


@req("XAPI-00331", "KAKEHASHI-VERSION-HEADER")
@pytest.mark.parametrize("value", ["0.9", "0.95", "1.1.0", "1.1", "3.0.0", "2.1.0", "abc", ""])
@pytest.mark.parametrize("name", ["statements-GET", "statements-POST", "state-PUT"])
def test_unsupported_version_header_is_rejected(lrs_session_client, name, value):
    r = call(lrs_session_client, name, version=value)
    expect_status(r, 400, f"{name} with X-Experience-API-Version: {value!r}")
    assert r.headers.get("X-Experience-API-Version"), "expected X-Experience-API-Version on the 400 answer"


@req("XAPI-00331", "XAPI-00333")
@pytest.mark.parametrize("value", ["1.0", "1.0.0", "1.0.1", "1.0.2", "1.0.3"])
@pytest.mark.parametrize("name", ["statements-GET", "statements-POST", "state-PUT", "agents-GET"])
def test_1_0_x_version_headers_are_accepted(lrs_session_client, name, value):
    r = call(lrs_session_client, name, version=value)
    expect_status(r, ok_status(name), f"{name} with X-Experience-API-Version: {value}")
    assert r.headers.get("X-Experience-API-Version") == "1.0.3", (
        f"expected the latest 1.0 patch version (1.0.3) in the response header; got "
        f"{r.headers.get('X-Experience-API-Version')!r}")


@req("XAPI-00333", "XAPI2-VERSION")
@pytest.mark.parametrize("name", ["statements-GET", "statements-POST", "state-PUT", "agents-GET"])
def test_2_0_0_version_header_is_accepted(lrs_2_0_0, name):
    r = call(lrs_2_0_0, name)
    expect_status(r, ok_status(name), f"{name} with X-Experience-API-Version: 2.0.0")
    assert r.headers.get("X-Experience-API-Version") == "2.0.0", (
        f"expected X-Experience-API-Version: 2.0.0; got {r.headers.get('X-Experience-API-Version')!r}")


@req("KAKEHASHI-VERSION-HEADER", "XAPI-00333")
@pytest.mark.parametrize("case", ["200", "204", "400", "401", "404", "409", "412"])
def test_version_header_on_every_response(lrs, case):
    s = statement()
    if case == "200":
        r = lrs.get_statements(verb="http://adlnet.gov/expapi/verbs/experienced", limit=1)
    elif case == "204":
        r = lrs.put_statement(s)
    elif case == "400":
        r = lrs.post_statements({"actor": "nobody"})
    elif case == "401":
        r = lrs.get_statements(limit=1, auth=False)
    elif case == "404":
        r = lrs.get_statement(uid())
    elif case == "409":
        lrs.store(s)
        r = lrs.put_statement(dict(s, verb={"id": "http://adlnet.gov/expapi/verbs/attempted"}))
    else:
        params = ACTIVITY_PROFILE.params()
        r = lrs.doc("PUT", ACTIVITY_PROFILE.path, params, new_document(), headers={"If-Match": '"' + "1" * 40 + '"'})
    assert str(r.status_code) == case, f"expected HTTP {case} for this request; got {describe(r)}"
    assert r.headers.get("X-Experience-API-Version") == lrs.version, (
        f"expected X-Experience-API-Version: {lrs.version} on the {case} answer; got "
        f"{r.headers.get('X-Experience-API-Version')!r}")


# --- authentication -------------------------------------------------------------------------------

@req("XAPI-00334", "KAKEHASHI-VERSION-HEADER")
@pytest.mark.parametrize("name", RESOURCES)
def test_missing_credentials_are_401(lrs, name):
    r = call(lrs, name, auth=False)
    expect_status(r, 401, f"{name} without credentials")
    assert r.headers.get("X-Experience-API-Version"), "expected X-Experience-API-Version on the 401 answer"


@req("XAPI-00334")
@pytest.mark.parametrize("how", ["wrong-secret", "unknown-key", "empty", "bearer", "malformed-basic"])
@pytest.mark.parametrize("name", ["statements-GET", "statements-POST", "state-PUT"])
def test_bad_credentials_are_401(lrs, name, how):
    if how == "wrong-secret":
        r = call(lrs, name, auth=(lrs.key, lrs.secret + "x"))
    elif how == "unknown-key":
        r = call(lrs, name, auth=(uid(), lrs.secret))
    elif how == "empty":
        r = call(lrs, name, auth=("", ""))
    elif how == "bearer":
        r = call(lrs, name, auth=False, headers={"Authorization": "Bearer " + lrs.secret})
    else:
        r = call(lrs, name, auth=False, headers={"Authorization": "Basic " + base64.b64encode(b"no-colon").decode()})
    expect_status(r, 401, f"{name} with {how} credentials")


@req("XAPI-00335")
@pytest.mark.parametrize("name", RESOURCES)
def test_basic_authentication_is_accepted(lrs, name):
    expect_status(call(lrs, name), ok_status(name), f"{name} with valid HTTP Basic credentials")


@req("XAPI-00334")
def test_rejected_credentials_store_nothing(lrs):
    s = statement()
    expect_status(lrs.post_statements(s, auth=(lrs.key, "wrong")), 401, "a POST with a wrong secret")
    expect_status(lrs.get_statement(s["id"]), 404, "a GET of the statement the 401 POST must not have stored")


# --- tenants --------------------------------------------------------------------------------------

@req("KAKEHASHI-TENANT")
def test_other_tenant_cannot_read_statements(lrs, other_lrs):
    s = statement()
    lrs.store(s)
    expect_status(other_lrs.get_statement(s["id"]), 404, "another tenant's GET by statementId")
    got = other_lrs.query(agent={"mbox": s["actor"]["mbox"]})
    assert got["statements"] == [], f"expected another tenant's query by agent to be empty; got {got}"
    got = other_lrs.query(activity=s["object"]["id"])
    assert got["statements"] == [], "expected another tenant's query by activity to be empty"


@req("KAKEHASHI-TENANT")
def test_other_tenant_cannot_void_or_overwrite(lrs, other_lrs):
    s = statement()
    lrs.store(s)
    other_lrs.post_statements(statement(verb_={"id": "http://adlnet.gov/expapi/verbs/voided", "display": {"en-US": "voided"}},
                                        obj={"objectType": "StatementRef", "id": s["id"]}))
    other_lrs.put_statement(dict(s, verb={"id": "http://adlnet.gov/expapi/verbs/attempted"}))
    got = lrs.fetch(s["id"])
    assert got["verb"] == s["verb"], f"another tenant changed the statement: {got['verb']}"


@req("KAKEHASHI-TENANT")
@pytest.mark.parametrize("res", [STATE, ACTIVITY_PROFILE, AGENT_PROFILE], ids=lambda r: r.name.replace(" ", "-"))
def test_other_tenant_cannot_read_or_change_documents(lrs, other_lrs, res):
    params = res.params()
    doc = new_document()
    expect_status(lrs.doc("PUT", res.path, params, doc, headers={"If-None-Match": "*"}), 204, "a PUT of a new document")
    expect_status(other_lrs.doc("GET", res.path, params), 404, f"another tenant's GET of a {res.name} document")
    ids = other_lrs.doc("GET", res.path, {k: v for k, v in params.items() if k != res.id_param})
    expect_status(ids, 200, f"another tenant's {res.name} id list")
    assert ids.json() == [], f"expected another tenant's id list to be empty; got {ids.text}"
    other_lrs.doc("DELETE", res.path, params)
    other_lrs.doc("POST", res.path, params, {"intruder": True})
    got = lrs.doc("GET", res.path, params)
    assert got.status_code == 200 and got.json() == doc, f"another tenant changed the document: {describe(got)}"


@req("KAKEHASHI-TENANT")
def test_other_tenant_sees_no_activity_definition_or_person_data(lrs, other_lrs):
    secret_name = "他校の秘密 " + uid()
    act = activity(name={"ja-JP": secret_name})
    who = agent(name=secret_name)
    lrs.store(statement(actor=who, obj=act))
    r = other_lrs.request("GET", "activities", params={"activityId": act["id"]})
    assert secret_name not in r.text, f"another tenant's Activities resource shows this tenant's definition: {r.text[:300]}"
    r = other_lrs.request("GET", "agents", params={"agent": '{"mbox": "%s"}' % who["mbox"]})
    assert secret_name not in r.text, f"another tenant's Agents resource shows this tenant's name: {r.text[:300]}"


@req("KAKEHASHI-TENANT")
def test_credentials_of_one_tenant_do_not_mix_with_another(lrs, other_lrs):
    r = lrs.get_statements(limit=1, auth=(lrs.key, other_lrs.secret))
    expect_status(r, 401, "this tenant's key with the other tenant's secret")
