"""Version differences: what 2.0.0 adds (contextAgents, contextGroups, RFC 3339 timestamps,
version 2.0.0) and removes (the Alternate Request Syntax), and that syntax under 1.0.3
(Communication 1.3)."""

import json

import pytest

from .lrs import agent, expect_status, group, statement, uid

req = pytest.mark.requirement

RELEVANT = "http://kakehashi.test/xapi/activity-types/class"


def with_context(**context):
    return statement(context=context)


def substatement_with_context(**context):
    return statement(obj={"objectType": "SubStatement", "actor": agent(), "verb": statement()["verb"],
                          "object": statement()["object"], "context": context})


CONTEXT_AGENT = {"objectType": "contextAgent", "agent": agent(name="保護者"), "relevantTypes": [RELEVANT]}
CONTEXT_GROUP = {"objectType": "contextGroup", "group": group(members=[agent(), agent()]), "relevantTypes": [RELEVANT]}


@req("XAPI2-CONTEXT-AGENTS")
@pytest.mark.parametrize("where", [with_context, substatement_with_context], ids=["statement", "substatement"])
def test_context_agents_are_accepted_and_kept(lrs_2_0_0, where):
    s = where(contextAgents=[CONTEXT_AGENT, {"objectType": "contextAgent", "agent": agent()}])
    lrs_2_0_0.store(s)
    got = lrs_2_0_0.fetch(s["id"])
    ctx = got["context"] if where is with_context else got["object"]["context"]
    sent = s["context"] if where is with_context else s["object"]["context"]
    assert ctx["contextAgents"] == sent["contextAgents"], f"expected contextAgents back as sent; got {ctx.get('contextAgents')}"


@req("XAPI2-CONTEXT-GROUPS")
@pytest.mark.parametrize("where", [with_context, substatement_with_context], ids=["statement", "substatement"])
def test_context_groups_are_accepted_and_kept(lrs_2_0_0, where):
    s = where(contextGroups=[CONTEXT_GROUP])
    lrs_2_0_0.store(s)
    got = lrs_2_0_0.fetch(s["id"])
    ctx = got["context"] if where is with_context else got["object"]["context"]
    assert ctx["contextGroups"] == [CONTEXT_GROUP], f"expected contextGroups back as sent; got {ctx.get('contextGroups')}"


BAD_CONTEXT_AGENTS = {
    "object-type": [dict(CONTEXT_AGENT, objectType="Agent")],
    "no-object-type": [{k: v for k, v in CONTEXT_AGENT.items() if k != "objectType"}],
    "invalid-agent": [dict(CONTEXT_AGENT, agent={"key": "no ifi"})],
    "group-as-agent": [dict(CONTEXT_AGENT, agent=group(members=[agent()]))],
    "empty-relevant-types": [dict(CONTEXT_AGENT, relevantTypes=[])],
    "relevant-type-not-iri": [dict(CONTEXT_AGENT, relevantTypes=["abc"])],
    "not-an-array": dict(CONTEXT_AGENT),
}
BAD_CONTEXT_GROUPS = {
    "object-type": [dict(CONTEXT_GROUP, objectType="Group")],
    "invalid-group": [dict(CONTEXT_GROUP, group={"objectType": "Group"})],
    "agent-as-group": [dict(CONTEXT_GROUP, group=agent())],
    "empty-relevant-types": [dict(CONTEXT_GROUP, relevantTypes=[])],
    "relevant-type-not-iri": [dict(CONTEXT_GROUP, relevantTypes=["abc"])],
    "not-an-array": dict(CONTEXT_GROUP),
}


@req("XAPI2-CONTEXT-AGENTS")
@pytest.mark.parametrize("where", [with_context, substatement_with_context], ids=["statement", "substatement"])
@pytest.mark.parametrize("case", sorted(BAD_CONTEXT_AGENTS))
def test_invalid_context_agents_are_rejected(lrs_2_0_0, where, case):
    r = lrs_2_0_0.post_statements(where(contextAgents=BAD_CONTEXT_AGENTS[case]))
    expect_status(r, 400, f"a 2.0 statement with invalid contextAgents ({case})")


@req("XAPI2-CONTEXT-GROUPS")
@pytest.mark.parametrize("where", [with_context, substatement_with_context], ids=["statement", "substatement"])
@pytest.mark.parametrize("case", sorted(BAD_CONTEXT_GROUPS))
def test_invalid_context_groups_are_rejected(lrs_2_0_0, where, case):
    r = lrs_2_0_0.post_statements(where(contextGroups=BAD_CONTEXT_GROUPS[case]))
    expect_status(r, 400, f"a 2.0 statement with invalid contextGroups ({case})")


@req("XAPI-00010")
@pytest.mark.parametrize("key, value", [("contextAgents", [CONTEXT_AGENT]), ("contextGroups", [CONTEXT_GROUP])])
def test_2_0_context_properties_are_unknown_in_1_0_3(lrs_1_0_3, key, value):
    r = lrs_1_0_3.post_statements(with_context(**{key: value}))
    expect_status(r, 400, f"a 1.0.3 statement with the 2.0 property context.{key}")


@req("XAPI2-RFC3339", "XAPI-00123")
@pytest.mark.parametrize("timestamp", ["2008-09-15 15:53:00.601+00:00", "2026-04-01t09:00:00z",
                                       "2026-04-01T18:00:00.5+09:00"])
def test_rfc3339_timestamps_are_accepted_in_2_0(lrs_2_0_0, timestamp):
    expect_status(lrs_2_0_0.post_statements(statement(timestamp=timestamp)), 200, f"a 2.0 statement with timestamp {timestamp!r}")


@req("XAPI2-RFC3339", "XAPI-00123")
@pytest.mark.parametrize("timestamp", ["2008-09-15T15:53:00.601-00:00", "2008-09-15T15:53:00.601-0000",
                                       "2008-09-15T15:53:00.601-00", "20080915T155300Z", "2008-W38-1T15:53:00Z"])
def test_non_rfc3339_timestamps_are_rejected_in_2_0(lrs_2_0_0, timestamp):
    r = lrs_2_0_0.post_statements(statement(timestamp=timestamp))
    expect_status(r, 400, f"a 2.0 statement with timestamp {timestamp!r} (not RFC 3339)")


@req("XAPI2-VERSION", "XAPI-00332")
def test_version_2_0_0_is_kept(lrs_2_0_0):
    s = statement(version="2.0.0")
    lrs_2_0_0.store(s)
    assert lrs_2_0_0.fetch(s["id"]).get("version") == "2.0.0", "expected version 2.0.0 kept"


@req("XAPI-00332")
def test_version_1_0_0_is_kept(lrs_1_0_3):
    s = statement(version="1.0.0")
    lrs_1_0_3.store(s)
    assert lrs_1_0_3.fetch(s["id"]).get("version") == "1.0.0", "expected version 1.0.0 kept"


# --- the Alternate Request Syntax -----------------------------------------------------------------

FORM = "application/x-www-form-urlencoded"


@req("XAPI-00336", "XAPI-00148")
def test_alternate_syntax_get(lrs_1_0_3):
    lrs = lrs_1_0_3
    s = statement()
    lrs.store(s)
    r = lrs.request("POST", "statements", params={"method": "GET"}, data={"statementId": s["id"]}, content_type=FORM)
    expect_status(r, 200, "a POST ?method=GET with statementId as a form parameter")
    assert r.json()["id"] == s["id"], f"expected the statement; got {r.text[:300]}"
    r = lrs.request("POST", "statements", params={"method": "GET"}, data={"limit": "1"}, content_type=FORM)
    expect_status(r, 200, "a POST ?method=GET with limit=1 as a form parameter")
    body = r.json()
    assert "statements" in body and "more" in body, f"expected a StatementResult; got {r.text[:300]}"


@req("XAPI-00336")
def test_alternate_syntax_put_with_headers_as_form_parameters(lrs_1_0_3):
    lrs = lrs_1_0_3
    s = statement()
    basic = "Basic " + __import__("base64").b64encode(f"{lrs.key}:{lrs.secret}".encode()).decode()
    form = {"statementId": s["id"], "content": json.dumps(s), "Authorization": basic,
            "X-Experience-API-Version": "1.0.3", "Content-Type": "application/json"}
    r = lrs.request("POST", "statements", params={"method": "PUT"}, data=form, content_type=FORM,
                    version=False, auth=False)
    expect_status(r, 204, "a POST ?method=PUT with the statement as content and headers as form parameters")
    assert lrs.fetch(s["id"])["id"] == s["id"], "expected the statement stored through the alternate syntax"


@req("XAPI-00336")
def test_alternate_syntax_for_documents(lrs_1_0_3):
    lrs = lrs_1_0_3
    params = {"activityId": statement()["object"]["id"], "profileId": "alt-" + uid()}
    doc = {"via": "alternate syntax"}
    form = dict(params, content=json.dumps(doc), **{"Content-Type": "application/json"})
    r = lrs.request("POST", "activities/profile", params={"method": "PUT"}, data=form, content_type=FORM)
    expect_status(r, 204, "a POST ?method=PUT to the activity profile resource")
    r = lrs.request("POST", "activities/profile", params={"method": "GET"}, data=params, content_type=FORM)
    expect_status(r, 200, "a POST ?method=GET of the activity profile")
    assert r.json() == doc, f"expected the document stored through the alternate syntax; got {r.text[:300]}"


@req("XAPI-00336")
def test_alternate_syntax_with_extra_query_parameters_is_rejected(lrs_1_0_3):
    s = statement()
    r = lrs_1_0_3.request("POST", "statements", params={"method": "PUT", "statementId": s["id"]},
                          data={"content": json.dumps(s)}, content_type=FORM)
    expect_status(r, 400, "a POST ?method=PUT with statementId in the query string instead of the form")


@req("XAPI-00336")
def test_alternate_syntax_must_be_a_post(lrs_1_0_3):
    r = lrs_1_0_3.request("PUT", "statements", params={"method": "POST"}, data={"content": "{}"}, content_type=FORM)
    expect_status(r, 400, "a PUT ?method=POST (the alternate syntax is only for POST)")


@req("XAPI2-NO-ALT-SYNTAX")
@pytest.mark.parametrize("method", ["GET", "PUT", "POST"])
def test_alternate_syntax_is_refused_in_2_0(lrs_2_0_0, method):
    s = statement()
    form = {"statementId": s["id"], "content": json.dumps(s)} if method == "PUT" else {"limit": "1"}
    r = lrs_2_0_0.request("POST", "statements", params={"method": method}, data=form, content_type=FORM)
    assert 400 <= r.status_code < 500, f"expected a 4xx for ?method={method} under 2.0; got {r.status_code}: {r.text[:300]}"
    if method == "PUT":
        expect_status(lrs_2_0_0.get_statement(s["id"]), 404, "a GET of the statement the refused alternate PUT carried")


@req("XAPI-00123")
@pytest.mark.parametrize("timestamp", ["20080915T155300Z", "2008-09-15T15:53:00.601+0900", "2008-09-15T15:53Z"])
def test_iso8601_forms_are_accepted_in_1_0_3(lrs_1_0_3, timestamp):
    r = lrs_1_0_3.post_statements(statement(timestamp=timestamp))
    expect_status(r, 200, f"a 1.0.3 statement with the ISO 8601 timestamp {timestamp!r}")
