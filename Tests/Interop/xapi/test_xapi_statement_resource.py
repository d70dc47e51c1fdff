"""The Statement resource (xAPI Communication 2.1, Data 2.3-2.5): storing, conflicts, the
properties the LRS sets, voiding, queries and their filters, paging and headers.
"""

from datetime import datetime, timedelta, timezone

import pytest

from .lrs import (activity, agent, describe, expect_status, group, ids_of, mutate,
                  parse_timestamp, pause, statement, uid, verb, voiding)

req = pytest.mark.requirement


def fresh_verb():
    return verb(f"http://kakehashi.test/xapi/verbs/{uid()}", **{"en-US": "practised"})


# --- storing --------------------------------------------------------------------------------------

@req("XAPI-00139", "XAPI-00147", "XAPI-00140")
def test_post_single_statement(lrs):
    r = lrs.post_statements(statement())
    expect_status(r, 200, "a POST of one valid statement to base + /statements")


@req("XAPI-00143", "XAPI-00144", "XAPI-00139")
def test_put_with_statement_id(lrs):
    s = statement()
    r = lrs.put_statement(s)
    expect_status(r, 204, "a PUT of a valid statement with ?statementId")
    assert r.content == b"", f"expected no body with 204; got {r.content[:200]!r}"
    assert lrs.fetch(s["id"])["id"] == s["id"], "the PUT statement is not retrievable by its id"


@req("XAPI-00143", "XAPI-00026")
def test_put_statement_without_id_in_body_takes_the_parameter(lrs):
    s = statement(with_id=False)
    sid = uid()
    expect_status(lrs.put_statement(s, sid), 204, "a PUT of a statement without id, statementId in the query")
    assert lrs.fetch(sid)["id"] == sid, "the statement PUT without an id must be stored under the statementId"


@req("XAPI-00145", "XAPI-00144")
def test_put_without_statement_id_is_rejected(lrs):
    s = statement()
    r = lrs.request("PUT", "statements", json_body=s)
    expect_status(r, 400, "a PUT of a statement without the statementId parameter")
    assert lrs.get_statement(s["id"]).status_code == 404, "a rejected PUT must not store the statement"


@req("XAPI-00012", "XAPI-00027")
def test_put_with_invalid_statement_id_is_rejected(lrs):
    s = statement(with_id=False)
    r = lrs.put_statement(s, "not-a-uuid")
    expect_status(r, 400, "a PUT with statementId=not-a-uuid")


@req("XAPI-00146", "XAPI-00026", "XAPI-00147")
def test_post_batch_returns_ids_in_order(lrs):
    a, b, c = statement(), statement(with_id=False), statement()
    r = lrs.post_statements([a, b, c])
    expect_status(r, 200, "a POST of three valid statements")
    ids = r.json()
    assert isinstance(ids, list) and len(ids) == 3, f"expected an array of 3 ids; got {r.text}"
    assert ids[0] == a["id"] and ids[2] == c["id"], f"expected the ids in the order posted; got {ids}"
    assert parse_uuid(ids[1]), f"expected a generated UUID for the statement without id; got {ids[1]!r}"
    assert lrs.fetch(ids[1])["id"] == ids[1], "the generated id does not retrieve the statement"


def parse_uuid(value):
    import uuid
    try:
        return str(uuid.UUID(value)) == value.lower()
    except (ValueError, AttributeError, TypeError):
        return False


@req("XAPI-00142")
@pytest.mark.parametrize("first, second", [("PUT", "PUT"), ("PUT", "POST"), ("POST", "PUT"), ("POST", "POST")])
def test_same_id_different_content_conflicts_and_changes_nothing(lrs, first, second):
    s = statement()
    send(lrs, first, s)
    before = lrs.fetch(s["id"])
    other = mutate(s, "verb", verb("http://adlnet.gov/expapi/verbs/attempted", **{"en-US": "attempted"}))
    r = send(lrs, second, other, check=False)
    expect_status(r, 409, f"a {second} of a different statement with an id already stored")
    after = lrs.fetch(s["id"])
    assert after == before, f"expected the stored statement unchanged; before {before}, after {after}"


@req("XAPI-00142", "XAPI-00143", "XAPI-00146")
@pytest.mark.parametrize("first, second", [("PUT", "PUT"), ("POST", "POST"), ("PUT", "POST")])
def test_same_id_same_content_is_accepted_unchanged(lrs, first, second):
    s = statement()
    send(lrs, first, s)
    before = lrs.fetch(s["id"])
    r = send(lrs, second, s, check=False)
    expect_status(r, 204 if second == "PUT" else 200, f"a {second} repeating a statement already stored")
    if second == "POST":
        assert r.json() == [s["id"]], f"expected [{s['id']!r}] from the repeated POST; got {r.text}"
    after = lrs.fetch(s["id"])
    assert after == before, f"expected the stored statement (and its stored time) unchanged; before {before}, after {after}"


def send(lrs, method, s, check=True):
    r = lrs.put_statement(s) if method == "PUT" else lrs.post_statements(s)
    if check:
        expect_status(r, 204 if method == "PUT" else 200, f"a {method} of a new valid statement")
    return r


@req("XAPI-00326", "XAPI-00182")
def test_batch_with_one_bad_statement_stores_nothing(lrs):
    good, bad = statement(), mutate(statement(), "verb.id", "should fail")
    r = lrs.post_statements([good, bad])
    expect_status(r, 400, "a POST of a batch whose second statement has an invalid verb id")
    got = lrs.get_statement(good["id"])
    expect_status(got, 404, "a GET of the valid statement of a rejected batch (it must not be stored)")


@req("XAPI-00326")
def test_batch_with_repeated_id_and_different_content_is_rejected(lrs):
    a = statement()
    b = mutate(statement(), "id", a["id"])
    r = lrs.post_statements([a, b])
    expect_status(r, (400, 409), "a POST of a batch with two different statements under one id")
    expect_status(lrs.get_statement(a["id"]), 404, "a GET of a statement from a rejected batch")


# --- what the LRS sets ----------------------------------------------------------------------------

@req("XAPI-00023", "XAPI-00097", "XAPI-00099", "XAPI-00026")
def test_lrs_sets_stored_authority_timestamp_and_version(lrs):
    s = statement(with_id=False)
    t0 = datetime.now(timezone.utc)
    [sid] = lrs.store(s)
    got = lrs.fetch(sid)
    assert got["id"] == sid and parse_uuid(sid), f"expected a generated UUID id; got {got.get('id')!r}"
    stored = parse_timestamp(got.get("stored"))
    assert abs(stored - t0) < timedelta(minutes=5), f"expected stored near {t0.isoformat()}; got {got.get('stored')!r}"
    parse_timestamp(got.get("timestamp"))
    auth = got.get("authority")
    assert isinstance(auth, dict) and auth.get("objectType", "Agent") in ("Agent", "Group"), (
        f"expected the LRS to set an Agent or Group authority; got {auth!r}")
    ifis = {"mbox", "mbox_sha1sum", "openid", "account"}
    assert ifis & set(auth) or (auth.get("objectType") == "Group" and auth.get("member")), (
        f"expected the authority to identify the credentials (an IFI or members); got {auth!r}")
    expected_version = "2.0.0" if lrs.v2 else "1.0.0"
    assert got.get("version") == expected_version, (
        f"expected version {expected_version} on a statement stored without one; got {got.get('version')!r}")


@req("XAPI-00023", "XAPI-00097")
def test_stored_is_later_for_later_statements(lrs):
    a = statement()
    lrs.store(a)
    pause()
    b = statement()
    lrs.store(b)
    sa, sb = (parse_timestamp(lrs.fetch(x["id"])["stored"]) for x in (a, b))
    assert sb > sa, f"expected the later statement to have a later stored time; got {sa} then {sb}"


@req("XAPI-00096")
def test_single_context_activity_is_returned_as_array(lrs):
    parent = activity()
    s = mutate(statement(), "context", {"contextActivities": {"parent": parent}})
    lrs.store(s)
    got = lrs.fetch(s["id"])["context"]["contextActivities"]["parent"]
    assert isinstance(got, list) and len(got) == 1 and got[0]["id"] == parent["id"], (
        f"expected parent as an array of one activity; got {got!r}")


# --- voiding --------------------------------------------------------------------------------------

@req("XAPI-00018", "XAPI-00155", "XAPI-00157", "XAPI-00163", "XAPI-00019", "XAPI-00020")
def test_voided_statement_is_only_returned_by_voided_statement_id(lrs):
    actor = agent()
    target = statement(actor=actor)
    lrs.store(target)
    v = voiding(target["id"], actor=actor)
    lrs.store(v)
    r = lrs.get_statement(target["id"])
    expect_status(r, 404, "a GET by statementId of a voided statement")
    r = lrs.request("GET", "statements", params={"voidedStatementId": target["id"]})
    expect_status(r, 200, "a GET by voidedStatementId of a voided statement")
    assert r.json()["id"] == target["id"], f"expected the voided statement; got {r.text[:300]}"
    found = ids_of(lrs.query_all(agent={"mbox": actor["mbox"]})[0])
    assert target["id"] not in found, "a voided statement must not be returned by a query"
    assert v["id"] in found, "the voiding statement itself must still be returned by a query"


@req("XAPI-00163")
def test_voided_statement_id_of_a_statement_that_is_not_voided_is_404(lrs):
    s = statement()
    lrs.store(s)
    r = lrs.request("GET", "statements", params={"voidedStatementId": s["id"]})
    expect_status(r, 404, "a GET by voidedStatementId of a statement that is not voided")


@req("XAPI-00019")
def test_voiding_an_unknown_statement_is_accepted(lrs):
    r = lrs.post_statements(voiding(uid()))
    expect_status(r, 200, "a voiding statement whose target the LRS does not have (SHOULD NOT be rejected)")


@req("XAPI-00162")
def test_statements_that_target_a_voided_statement_are_still_returned(lrs):
    v_ = fresh_verb()
    target = statement(verb_=v_)
    lrs.store(target)
    lrs.store(voiding(target["id"]))
    ref = statement(verb_=v_, obj={"objectType": "StatementRef", "id": target["id"]})
    lrs.store(ref)
    found = ids_of(lrs.query_all(verb=v_["id"])[0])
    assert ref["id"] in found, "a statement referring to a voided statement must still be returned"
    assert target["id"] not in found, "the voided statement must not be returned"


@req("XAPI-00016")
def test_voiding_a_voiding_statement_has_no_effect(lrs):
    target = statement()
    lrs.store(target)
    first = voiding(target["id"])
    lrs.store(first)
    lrs.post_statements(voiding(first["id"]))  # refused (Kakehashi) or ignored (spec): either way no effect
    r = lrs.get_statement(first["id"])
    expect_status(r, 200, "a GET of a voiding statement that someone tried to void")
    expect_status(lrs.get_statement(target["id"]), 404, "a GET by statementId of the still-voided target")


@req("KAKEHASHI-VOID-VOIDING")
def test_voiding_a_voiding_statement_is_refused(lrs):
    target = statement()
    lrs.store(target)
    first = voiding(target["id"])
    lrs.store(first)
    second = voiding(first["id"])
    r = lrs.post_statements(second)
    assert 400 <= r.status_code < 500, f"expected a 4xx refusal of a statement voiding a voiding statement; got {describe(r)}"
    expect_status(lrs.get_statement(second["id"]), 404, "a GET of the refused second voiding statement")


# --- single statement GETs ------------------------------------------------------------------------

@req("XAPI-00156", "XAPI-00158", "XAPI-00159", "XAPI-00165")
def test_get_by_statement_id(lrs):
    s = statement()
    lrs.store(s)
    r = lrs.get_statement(s["id"])
    expect_status(r, 200, "a GET by statementId of a stored statement")
    assert r.headers.get("Content-Type", "").startswith("application/json"), (
        f"expected Content-Type application/json; got {r.headers.get('Content-Type')!r}")
    assert r.json()["id"] == s["id"], f"expected statement {s['id']}; got {r.text[:300]}"


@req("XAPI-00156")
def test_get_unknown_statement_id_is_404(lrs):
    expect_status(lrs.get_statement(uid()), 404, "a GET by statementId of an id never stored")


OTHER_PARAMS = {
    "agent": {"objectType": "Agent", "mbox": "mailto:nobody@example.org"},
    "verb": "http://adlnet.gov/expapi/verbs/experienced",
    "activity": "http://kakehashi.test/xapi/activity/none",
    "registration": "9b7e3c1a-0c5d-4c1e-9d6a-3f2b1a0c9e8d",
    "related_activities": True,
    "related_agents": True,
    "since": "2012-06-01T19:09:13.245Z",
    "until": "2012-06-01T19:09:13.245Z",
    "limit": 1,
    "ascending": True,
}


@req("XAPI-00151")
@pytest.mark.parametrize("param", sorted(OTHER_PARAMS))
def test_statement_id_with_other_parameters_is_rejected(lrs, param):
    s = statement()
    lrs.store(s)
    r = lrs.get_statement(s["id"], **{param: OTHER_PARAMS[param]})
    expect_status(r, 400, f"a GET with statementId and {param}")


@req("XAPI-00151", "XAPI-00158")
@pytest.mark.parametrize("param, value", [("format", "ids"), ("attachments", False), ("format", "canonical")])
def test_statement_id_with_format_or_attachments_is_accepted(lrs, param, value):
    s = statement()
    lrs.store(s)
    expect_status(lrs.get_statement(s["id"], **{param: value}), 200, f"a GET with statementId and {param}")


@req("XAPI-00150")
@pytest.mark.parametrize("param", sorted(OTHER_PARAMS))
def test_voided_statement_id_with_other_parameters_is_rejected(lrs, param):
    target = statement()
    lrs.store(target)
    lrs.store(voiding(target["id"]))
    r = lrs.get_statements(voidedStatementId=target["id"], **{param: OTHER_PARAMS[param]})
    expect_status(r, 400, f"a GET with voidedStatementId and {param}")


@req("XAPI-00150", "XAPI-00157")
@pytest.mark.parametrize("param, value", [("format", "ids"), ("attachments", False)])
def test_voided_statement_id_with_format_or_attachments_is_accepted(lrs, param, value):
    target = statement()
    lrs.store(target)
    lrs.store(voiding(target["id"]))
    r = lrs.get_statements(voidedStatementId=target["id"], **{param: value})
    expect_status(r, 200, f"a GET with voidedStatementId and {param}")


@req("XAPI-00150", "XAPI-00151")
def test_statement_id_and_voided_statement_id_together_are_rejected(lrs):
    s = statement()
    lrs.store(s)
    r = lrs.get_statements(statementId=s["id"], voidedStatementId=s["id"])
    expect_status(r, 400, "a GET with both statementId and voidedStatementId")


# --- queries --------------------------------------------------------------------------------------

@req("XAPI-00149", "XAPI-00112", "XAPI-00154", "XAPI-00110")
def test_query_without_results(lrs):
    r = lrs.get_statements(verb=f"http://kakehashi.test/xapi/verbs/{uid()}")
    expect_status(r, 200, "a query that matches nothing")
    body = r.json()
    assert body.get("statements") == [], f"expected an empty statements array; got {r.text[:300]}"
    assert body.get("more", "") == "", f"expected no more (absent or empty); got {body.get('more')!r}"


@pytest.fixture
def population(lrs):
    """Statements of a fresh agent A and of another agent B, with fresh verbs, activities and
    registrations, stored one by one."""
    a, b = agent(), agent()
    vx, vy = fresh_verb(), fresh_verb()
    p, q = activity(), activity()
    r1, r2 = uid(), uid()
    s = {
        "a1": statement(actor=a, verb_=vx, obj=p, context={"registration": r1}),
        "a2": statement(actor=a, verb_=vy, obj=q),
        "a3": statement(actor=a, verb_=vx, obj=q, context={"registration": r2}),
        "b1": statement(actor=b, verb_=vx, obj=p),
        "b2": statement(actor=b, verb_=vy, obj=a),  # A as the object
    }
    for key in ("a1", "a2", "a3", "b1", "b2"):
        lrs.store(s[key])
        pause()
    return dict(s=s, a=a, b=b, vx=vx, vy=vy, p=p, q=q, r1=r1, r2=r2)


def found(lrs, **params):
    statements, _ = lrs.query_all(**params)
    return statements


def same_ids(statements, population, keys, what):
    got = set(ids_of(statements))
    want = {population["s"][k]["id"] for k in keys}
    assert got == want, f"expected {what} to return {sorted(keys)}; got {len(got)} statements, missing " \
                        f"{sorted(k for k in keys if population['s'][k]['id'] not in got)}, extra {len(got - want)}"


@req("XAPI-00181", "XAPI-00164", "XAPI-00154", "XAPI-00110")
def test_filter_by_agent(lrs, population):
    a = population["a"]
    same_ids(found(lrs, agent={"objectType": "Agent", "mbox": a["mbox"]}), population, ["a1", "a2", "a3", "b2"],
             "agent=A (actor or object)")


@req("XAPI-00180", "XAPI-00164")
def test_filter_by_verb(lrs, population):
    same_ids(found(lrs, verb=population["vx"]["id"]), population, ["a1", "a3", "b1"], "verb=X")


@req("XAPI-00179", "XAPI-00164")
def test_filter_by_activity(lrs, population):
    same_ids(found(lrs, activity=population["p"]["id"]), population, ["a1", "b1"], "activity=P")


@req("XAPI-00178", "XAPI-00164")
def test_filter_by_registration(lrs, population):
    same_ids(found(lrs, registration=population["r1"]), population, ["a1"], "registration=R1")


@req("XAPI-00164", "XAPI-00181", "XAPI-00180", "XAPI-00179")
def test_filters_combine(lrs, population):
    a = population["a"]
    same_ids(found(lrs, agent={"mbox": a["mbox"]}, verb=population["vx"]["id"], activity=population["q"]["id"]),
             population, ["a3"], "agent=A & verb=X & activity=Q")


@req("XAPI-00176")
def test_related_agents(lrs):
    d = agent()
    t = {
        "actor": statement(actor=d),
        "object": statement(obj=d),
        "instructor": statement(context={"instructor": d}),
        "sub-actor": statement(obj={"objectType": "SubStatement", "actor": d, "verb": verb(), "object": activity()}),
        "sub-instructor": statement(obj={"objectType": "SubStatement", "actor": agent(), "verb": verb(),
                                         "object": activity(), "context": {"instructor": d}}),
        "unrelated": statement(),
    }
    lrs.store(*t.values())
    q = {"objectType": "Agent", "mbox": d["mbox"]}
    plain = set(ids_of(found(lrs, agent=q)))
    assert plain == {t["actor"]["id"], t["object"]["id"]}, (
        f"expected agent=D without related_agents to match only actor and object; got {len(plain)} statements")
    related = set(ids_of(found(lrs, agent=q, related_agents=True)))
    want = {t[k]["id"] for k in ("actor", "object", "instructor", "sub-actor", "sub-instructor")}
    assert want <= related and t["unrelated"]["id"] not in related, (
        f"expected related_agents=true to add instructor and sub-statement matches; missing "
        f"{[k for k in t if t[k]['id'] in want and t[k]['id'] not in related]}")


@req("XAPI-00177")
def test_related_activities(lrs):
    qa = activity()
    t = {
        "object": statement(obj=qa),
        "parent": statement(context={"contextActivities": {"parent": [qa]}}),
        "grouping": statement(context={"contextActivities": {"grouping": [qa]}}),
        "category": statement(context={"contextActivities": {"category": [qa]}}),
        "other": statement(context={"contextActivities": {"other": [qa]}}),
        "sub-object": statement(obj={"objectType": "SubStatement", "actor": agent(), "verb": verb(), "object": qa}),
        "sub-context": statement(obj={"objectType": "SubStatement", "actor": agent(), "verb": verb(),
                                      "object": activity(), "context": {"contextActivities": {"parent": [qa]}}}),
        "unrelated": statement(),
    }
    lrs.store(*t.values())
    plain = set(ids_of(found(lrs, activity=qa["id"])))
    assert plain == {t["object"]["id"]}, f"expected activity=Q to match only the object; got {len(plain)} statements"
    related = set(ids_of(found(lrs, activity=qa["id"], related_activities=True)))
    want = {v["id"] for k, v in t.items() if k != "unrelated"}
    assert related == want, (f"expected related_activities=true to match object, context activities and "
                             f"sub-statements; missing {[k for k, v in t.items() if v['id'] in want - related]}")


def stored_of(lrs, s):
    return lrs.fetch(s["id"])["stored"]


@req("XAPI-00175", "XAPI-00174")
def test_since_and_until_compare_with_stored(lrs, population):
    a = {"mbox": population["a"]["mbox"]}
    s1, s2, s3 = (population["s"][k] for k in ("a1", "a2", "a3"))
    t1, t2 = stored_of(lrs, s1), stored_of(lrs, s2)
    since = set(ids_of(found(lrs, agent=a, since=t1)))
    assert s1["id"] not in since and {s2["id"], s3["id"]} <= since, (
        f"expected since={t1} (stored of the first) to exclude it and return the later ones")
    until = set(ids_of(found(lrs, agent=a, until=t2)))
    assert {s1["id"], s2["id"]} <= until and s3["id"] not in until, (
        f"expected until={t2} (stored of the second) to include it and the first, not the third")
    between = set(ids_of(found(lrs, agent=a, since=t1, until=t2)))
    assert s2["id"] in between and s1["id"] not in between and s3["id"] not in between, (
        "expected since=t1&until=t2 to return just the second statement")


@req("XAPI-00175")
def test_since_in_the_future_returns_nothing(lrs, population):
    later = (datetime.now(timezone.utc) + timedelta(days=1)).isoformat().replace("+00:00", "Z")
    assert found(lrs, agent={"mbox": population["a"]["mbox"]}, since=later) == [], "expected nothing since tomorrow"


@req("XAPI-00166")
def test_ascending_and_default_order(lrs, population):
    a = {"mbox": population["a"]["mbox"]}
    order = [population["s"][k]["id"] for k in ("a1", "a2", "a3")]
    default = [i for i in ids_of(found(lrs, agent=a)) if i in order]
    assert default == order[::-1], f"expected newest stored first by default; got {default}, stored order {order}"
    asc = [i for i in ids_of(found(lrs, agent=a, ascending=True)) if i in order]
    assert asc == order, f"expected oldest first with ascending=true; got {asc}, stored order {order}"


@req("XAPI-00173", "XAPI-00113")
def test_limit(lrs, population):
    result = lrs.query(agent={"mbox": population["a"]["mbox"]}, limit=2)
    assert len(result["statements"]) == 2, f"expected 2 statements with limit=2; got {len(result['statements'])}"
    assert result.get("more"), f"expected a non-empty more with results left; got {result.get('more')!r}"
    everything = lrs.query(agent={"mbox": population["a"]["mbox"]}, limit=0)
    assert len(everything["statements"]) == 4, (
        f"expected limit=0 (server maximum) to return all 4 statements of A; got {len(everything['statements'])}")


@req("XAPI-00108", "XAPI-00109", "XAPI-00111", "XAPI-00113", "XAPI-00114")
def test_more_is_followed_to_the_end(lrs):
    actor = agent()
    stored = [statement(actor=actor) for _ in range(7)]
    lrs.store(*stored)
    result = lrs.query(agent={"mbox": actor["mbox"]}, limit=3)
    seen, pages = [], 0
    while True:
        pages += 1
        assert "statements" in result and set(result) <= {"statements", "more"}, (
            f"expected a StatementResult with just statements and more; got keys {sorted(result)}")
        assert isinstance(result["statements"], list) and len(result["statements"]) <= 3, (
            f"expected at most 3 statements a page; got {len(result['statements'])}")
        seen += ids_of(result["statements"])
        more = result.get("more", "")
        if not more:
            break
        assert isinstance(more, str) and more.startswith("/") and more.strip() == more, (
            f"expected more to be a relative IRL with the full path (starting with /); got {more!r}")
        assert pages < 10, "more did not end after 10 pages of 3 for 7 statements"
        r = lrs.follow_more(more)
        expect_status(r, 200, f"a GET of the more IRL {more}")
        result = r.json()
    assert sorted(seen) == sorted(s["id"] for s in stored), (
        f"expected the 7 statements exactly once over the pages; got {len(seen)} ids ({len(set(seen))} distinct)")
    assert pages == 3, f"expected 3 pages of at most 3 for 7 statements; got {pages}"


@req("XAPI-00108")
def test_more_needs_credentials(lrs):
    actor = agent()
    lrs.store(statement(actor=actor), statement(actor=actor))
    more = lrs.query(agent={"mbox": actor["mbox"]}, limit=1)["more"]
    from urllib.parse import urljoin
    r = lrs.request("GET", urljoin(lrs.server_base, more), auth=False)
    expect_status(r, 401, "a GET of a more IRL without credentials")


# --- formats --------------------------------------------------------------------------------------

def rich_statement():
    return statement(
        actor=agent(name="山田 花子"),
        verb_=verb(**{"en-US": "experienced", "en-GB": "experienced (GB)", "ja-JP": "経験した"}),
        obj=activity(name={"en-US": "Kanji drill", "en-GB": "Kanji drill (GB)", "ja-JP": "漢字ドリル"},
                     description={"en-US": "Grade 3", "en-GB": "Year 3", "ja-JP": "3年生"},
                     type="http://adlnet.gov/expapi/activities/assessment"),
        context={"team": group(members=[agent(name="班員 1"), agent(name="班員 2")]),
                 "instructor": agent(name="先生")},
    )


@req("XAPI-00170", "XAPI-00168")
@pytest.mark.parametrize("fmt", [None, "exact"])
def test_format_exact(lrs, fmt):
    s = rich_statement()
    lrs.store(s)
    got = lrs.fetch(s["id"], format=fmt)
    for key in ("actor", "verb", "object"):
        assert got[key] == s[key], f"expected {key} exactly as received with format={fmt}; sent {s[key]}, got {got[key]}"
    assert got["context"]["team"] == s["context"]["team"], "expected the team exactly as received"


@req("XAPI-00171", "XAPI-00168")
def test_format_ids(lrs):
    s = rich_statement()
    lrs.store(s)
    got = lrs.fetch(s["id"], format="ids")
    assert got["actor"].get("mbox") == s["actor"]["mbox"], f"expected the actor's mbox; got {got['actor']}"
    assert "name" not in got["actor"], f"expected no agent name with format=ids; got {got['actor']}"
    assert set(got["verb"]) == {"id"}, f"expected only the verb id with format=ids; got {got['verb']}"
    assert "definition" not in got["object"] and got["object"]["id"] == s["object"]["id"], (
        f"expected only the activity id (and objectType) with format=ids; got {got['object']}")
    members = got["context"]["team"]["member"]
    assert all("name" not in m and m.get("mbox") for m in members), (
        f"expected only identifiers of the anonymous team's members; got {members}")
    assert "name" not in got["context"]["instructor"], f"expected no instructor name; got {got['context']['instructor']}"


@req("XAPI-00169", "XAPI-00172")
def test_format_canonical_uses_accept_language(lrs):
    s = rich_statement()
    lrs.store(s)
    r = lrs.request("GET", "statements", params={"statementId": s["id"], "format": "canonical"},
                    headers={"Accept-Language": "ja-JP"})
    expect_status(r, 200, "a GET with format=canonical and Accept-Language: ja-JP")
    got = r.json()
    definition = got["object"].get("definition", {})
    for where, value, sent in (("verb.display", got["verb"].get("display"), s["verb"]["display"]),
                               ("definition.name", definition.get("name"), s["object"]["definition"]["name"]),
                               ("definition.description", definition.get("description"),
                                s["object"]["definition"]["description"])):
        assert value == {"ja-JP": sent["ja-JP"]}, f"expected only the ja-JP entry of {where}; got {value!r}"


@req("XAPI-00169")
def test_format_canonical_returns_one_language(lrs):
    s = rich_statement()
    lrs.store(s)
    r = lrs.request("GET", "statements", params={"statementId": s["id"], "format": "canonical"},
                    headers={"Accept-Language": "en-GB"})
    expect_status(r, 200, "a GET with format=canonical and Accept-Language: en-GB")
    got = r.json()
    assert got["verb"]["display"] == {"en-GB": "experienced (GB)"}, f"expected only en-GB; got {got['verb']['display']}"
    assert list(got["object"]["definition"]["name"]) == ["en-GB"], (
        f"expected only the en-GB name; got {got['object']['definition']['name']}")


@req("XAPI-00172", "XAPI-00170")
def test_accept_language_is_ignored_without_canonical(lrs):
    s = rich_statement()
    lrs.store(s)
    r = lrs.request("GET", "statements", params={"statementId": s["id"]}, headers={"Accept-Language": "en-GB"})
    got = r.json()
    assert got["verb"]["display"] == s["verb"]["display"], (
        f"expected every language of verb.display without format=canonical; got {got['verb']['display']}")


# --- headers --------------------------------------------------------------------------------------

@req("XAPI-00153", "XAPI-00160", "XAPI-00152")
@pytest.mark.parametrize("query", ["agent", "statementId", "unknown-id", "no-version-header", "bad-param"])
def test_consistent_through(lrs, query):
    actor = agent()
    s = statement(actor=actor)
    lrs.store(s)
    if query == "agent":
        r = lrs.get_statements(agent={"mbox": actor["mbox"]})
    elif query == "statementId":
        r = lrs.get_statement(s["id"])
    elif query == "unknown-id":
        r = lrs.get_statement(uid())
    elif query == "no-version-header":
        r = lrs.request("GET", "statements", params={"statementId": s["id"]}, version=False)
    else:
        r = lrs.get_statements(verb="not an iri")
    value = r.headers.get("X-Experience-API-Consistent-Through")
    assert value, f"expected X-Experience-API-Consistent-Through on every statement GET; got none: {describe(r)}"
    through = parse_timestamp(value)
    if r.status_code == 200:
        body = r.json()
        for st in body.get("statements", [body]):
            assert parse_timestamp(st["stored"]) <= through, (
                f"expected Consistent-Through {value} not before stored {st['stored']}")


@req("XAPI-00165")
def test_query_content_type(lrs):
    r = lrs.get_statements(verb=f"http://kakehashi.test/xapi/verbs/{uid()}")
    assert r.headers.get("Content-Type", "").split(";")[0].strip() == "application/json", (
        f"expected Content-Type application/json on a statement query; got {r.headers.get('Content-Type')!r}")


@req("XAPI-00125", "XAPI-00126")
def test_head_statements(lrs):
    s = statement()
    lrs.store(s)
    get = lrs.get_statement(s["id"])
    head = lrs.request("HEAD", "statements", params={"statementId": s["id"]})
    expect_status(head, 200, "a HEAD by statementId of a stored statement")
    assert head.content == b"", f"expected no body on HEAD; got {head.content[:100]!r}"
    assert head.headers.get("Content-Type") == get.headers.get("Content-Type"), (
        f"expected HEAD's Content-Type {get.headers.get('Content-Type')!r}; got {head.headers.get('Content-Type')!r}")
    assert head.headers.get("X-Experience-API-Consistent-Through"), "expected Consistent-Through on HEAD too"
    expect_status(lrs.request("HEAD", "statements", params={"statementId": uid()}), 404,
                  "a HEAD by statementId of an unknown id")
    expect_status(lrs.request("HEAD", "statements", params={"verb": "not an iri"}), 400,
                  "a HEAD with an invalid verb parameter")


# --- parameters -----------------------------------------------------------------------------------

@req("XAPI-00012")
@pytest.mark.parametrize("param, value", [
    ("agent", "not json"), ("agent", '{"objectType": "Agent", "name": "no ifi"}'),
    ("agent", '{"mbox": "student@example.org"}'), ("verb", "not an iri"), ("activity", "lesson one"),
    ("registration", "not-a-uuid"), ("since", "yesterday"), ("until", "2015-13-45"), ("limit", "-1"),
    ("limit", "ten"), ("format", "full"), ("ascending", "sometimes"), ("attachments", "yes"),
    ("statementId", "not-a-uuid"), ("related_agents", "maybe"),
])
def test_invalid_query_parameter_values_are_rejected(lrs, param, value):
    r = lrs.request("GET", "statements", params={param: value})
    expect_status(r, 400, f"a statement query with {param}={value!r}")


@req("XAPI-00324")
@pytest.mark.parametrize("resource, params", [
    ("statements", {"foo": "bar"}),
    ("statements", {"verbs": "http://adlnet.gov/expapi/verbs/experienced"}),
    ("activities", {"activityId": "http://kakehashi.test/a", "extra": "1"}),
])
def test_unknown_parameter_is_rejected(lrs, resource, params):
    expect_status(lrs.request("GET", resource, params=params), 400, f"GET {resource} with an unknown parameter {params}")


@req("XAPI-00325")
@pytest.mark.parametrize("param, value", [("Verb", "http://adlnet.gov/expapi/verbs/experienced"),
                                          ("statementID", "9b7e3c1a-0c5d-4c1e-9d6a-3f2b1a0c9e8d"),
                                          ("LIMIT", "1")])
def test_parameter_with_other_letter_case_is_rejected(lrs, param, value):
    expect_status(lrs.request("GET", "statements", params={param: value}), 400, f"a query with {param} (wrong case)")


@req("XAPI-00323")
@pytest.mark.parametrize("case", ["invalid", "conflict", "unauthorized", "unknown"])
def test_statements_are_refused_only_with_specified_codes(lrs, case):
    s = statement()
    if case == "invalid":
        r = lrs.post_statements(mutate(s, "actor.mbox", "nobody"))
        allowed = {400}
    elif case == "conflict":
        lrs.store(s)
        r = lrs.put_statement(mutate(s, "verb.id", "http://adlnet.gov/expapi/verbs/attempted"))
        allowed = {409}
    elif case == "unauthorized":
        r = lrs.post_statements(s, auth=("wrong", "wrong"))
        allowed = {401}
    else:
        r = lrs.get_statement(uid())
        allowed = {404}
    assert r.status_code in allowed, f"expected {allowed} for a {case} request; got {describe(r)}"
