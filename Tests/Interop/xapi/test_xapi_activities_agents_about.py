"""The Activities, Agents and About resources (xAPI Communication 2.4, 2.5, 2.8)."""

import hashlib

import pytest

from .lrs import VERSIONS, activity, activity_id, agent, expect_status, mbox, statement, uid

req = pytest.mark.requirement


# --- Activities -----------------------------------------------------------------------------------

@req("XAPI-00251", "XAPI-00252", "XAPI-00253", "XAPI-00140")
def test_get_activity(lrs):
    act = activity(name={"ja-JP": "単元テスト"}, description={"ja-JP": "3年 国語"},
                   type="http://adlnet.gov/expapi/activities/assessment",
                   moreInfo="https://kakehashi.test/units/" + uid())
    lrs.store(statement(obj=act))
    r = lrs.request("GET", "activities", params={"activityId": act["id"]})
    expect_status(r, 200, "a GET of an activity that a statement defined")
    got = r.json()
    assert got.get("id") == act["id"] and got.get("objectType", "Activity") == "Activity", f"expected the activity; got {got}"
    for key, value in act["definition"].items():
        assert got.get("definition", {}).get(key) == value, (
            f"expected definition.{key} = {value!r} in the full Activity object; got {got.get('definition')}")


@req("XAPI-00254")
def test_activity_definitions_from_several_statements_are_combined(lrs):
    aid = activity_id()
    lrs.store(statement(obj=activity(aid, name={"en-US": "Kanji drill"})))
    lrs.store(statement(obj=activity(aid, name={"ja-JP": "漢字ドリル"})))
    got = lrs.request("GET", "activities", params={"activityId": aid}).json()
    assert got.get("definition", {}).get("name") == {"en-US": "Kanji drill", "ja-JP": "漢字ドリル"}, (
        f"expected both languages of the name from the two statements; got {got.get('definition')}")


@req("XAPI-00250")
def test_get_activity_without_activity_id_is_rejected(lrs):
    expect_status(lrs.request("GET", "activities"), 400, "a GET of /activities without activityId")


@req("XAPI-00012", "XAPI-00250")
def test_get_activity_with_invalid_activity_id_is_rejected(lrs):
    expect_status(lrs.request("GET", "activities", params={"activityId": "not an iri"}), 400,
                  "a GET of /activities with activityId='not an iri'")


@req("XAPI-00251")
def test_unknown_activity_is_still_an_activity_in_2_0(lrs_2_0_0):
    aid = activity_id()
    r = lrs_2_0_0.request("GET", "activities", params={"activityId": aid})
    expect_status(r, 200, "a 2.0 GET of an activity the LRS has no definition of")
    assert r.json().get("id") == aid, f"expected an Activity object with the requested id; got {r.text[:300]}"


@req("XAPI-00125", "XAPI-00126")
def test_head_activity(lrs):
    act = activity()
    lrs.store(statement(obj=act))
    r = lrs.request("HEAD", "activities", params={"activityId": act["id"]})
    expect_status(r, 200, "a HEAD of a known activity")
    assert r.content == b"", "expected no body on HEAD"
    assert r.headers.get("Content-Type", "").startswith("application/json"), "expected the GET's Content-Type on HEAD"


# --- Agents ---------------------------------------------------------------------------------------

def person(lrs, who):
    r = lrs.request("GET", "agents", params={"agent": __import__("json").dumps(who)})
    expect_status(r, 200, f"a GET of /agents for {who}")
    return r.json()


@req("XAPI-00236", "XAPI-00237", "XAPI-00239", "XAPI-00244", "XAPI-00245", "XAPI-00246", "XAPI-00247",
     "XAPI-00248", "XAPI-00238", "XAPI-00140")
def test_person_for_an_mbox_agent(lrs):
    who = agent(name="山田 花子")
    lrs.store(statement(actor=who))
    p = person(lrs, {"objectType": "Agent", "mbox": who["mbox"]})
    assert p.get("objectType") == "Person", f"expected objectType Person; got {p}"
    assert p.get("mbox") == [who["mbox"]], f"expected mbox as an array holding {who['mbox']}; got {p.get('mbox')}"
    for key in ("name", "mbox", "mbox_sha1sum", "openid", "account"):
        assert key not in p or isinstance(p[key], list), f"expected {key} to be an array; got {p[key]!r}"
    assert all(isinstance(n, str) for n in p.get("name", [])), f"expected names as strings; got {p.get('name')}"
    assert all(m.startswith("mailto:") for m in p["mbox"]), f"expected mailto: IRIs; got {p['mbox']}"


@req("XAPI-00247", "XAPI-00248")
def test_person_for_an_agent_never_seen(lrs):
    m = mbox()
    p = person(lrs, {"objectType": "Agent", "mbox": m})
    assert p.get("objectType") == "Person" and p.get("mbox") == [m], f"expected a Person with just mbox [{m}]; got {p}"
    assert set(p) <= {"objectType", "name", "mbox", "mbox_sha1sum", "openid", "account"}, f"unexpected keys in {p}"


@req("XAPI-00240", "XAPI-00246")
def test_person_for_an_mbox_sha1sum_agent(lrs):
    sha = hashlib.sha1(mbox().encode()).hexdigest()
    p = person(lrs, {"mbox_sha1sum": sha})
    assert p.get("mbox_sha1sum") == [sha], f"expected mbox_sha1sum [{sha}]; got {p}"


@req("XAPI-00241", "XAPI-00246")
def test_person_for_an_openid_agent(lrs):
    oid = f"http://openid.example.org/{uid()}"
    p = person(lrs, {"openid": oid})
    assert p.get("openid") == [oid], f"expected openid [{oid}]; got {p}"


@req("XAPI-00242", "XAPI-00246")
def test_person_for_an_account_agent(lrs):
    acc = {"homePage": "https://kakehashi.test", "name": uid()}
    p = person(lrs, {"objectType": "Agent", "account": acc})
    assert p.get("account") == [acc], f"expected account [{acc}]; got {p}"


@req("XAPI-00243")
def test_agents_without_agent_is_rejected(lrs):
    expect_status(lrs.request("GET", "agents"), 400, "a GET of /agents without agent")


@req("XAPI-00249", "XAPI-00012")
@pytest.mark.parametrize("value", ["not json", '{"objectType": "Agent", "name": "no ifi"}',
                                   '{"mbox": "student@example.org"}',
                                   '{"objectType": "Agent", "mbox": "mailto:a@example.org", "openid": "http://o.example.org/a"}'],
                         ids=["not-json", "no-ifi", "bad-mbox", "two-ifis"])
def test_agents_with_invalid_agent_is_rejected(lrs, value):
    expect_status(lrs.request("GET", "agents", params={"agent": value}), 400, f"a GET of /agents with agent={value!r}")


@req("XAPI-00125", "XAPI-00126")
def test_head_agents(lrs):
    r = lrs.request("HEAD", "agents", params={"agent": '{"mbox": "%s"}' % mbox()})
    expect_status(r, 200, "a HEAD of /agents")
    assert r.content == b"", "expected no body on HEAD"


# --- About ----------------------------------------------------------------------------------------

VALID_VERSIONS = {"0.9", "0.95", "1.0.0", "1.0.1", "1.0.2", "1.0.3", "2.0.0"}


@req("XAPI-00315", "XAPI-00316", "XAPI-00317", "XAPI-00318", "XAPI-00319")
@pytest.mark.parametrize("version", [None, *VERSIONS])
def test_about(lrs_session_client, version):
    r = lrs_session_client.request("GET", "about", version=version or False)
    expect_status(r, 200, f"a GET of /about with version header {version}")
    about = r.json()
    versions = about.get("version")
    assert isinstance(versions, list) and versions and all(isinstance(v, str) for v in versions), (
        f"expected version to be an array of strings; got {versions!r}")
    assert set(versions) <= VALID_VERSIONS, f"expected only known xAPI versions; got {versions}"
    assert {"1.0.3", "2.0.0"} <= set(versions), f"expected 1.0.3 and 2.0.0 among the versions; got {versions}"


@req("XAPI-00320")
def test_about_extensions(lrs):
    about = lrs.request("GET", "about").json()
    ext = about.get("extensions", {})
    assert isinstance(ext, dict) and all(":" in k for k in ext), f"expected extensions as an object keyed by IRIs; got {ext}"
    assert set(about) <= {"version", "extensions"}, f"expected only version and extensions; got {sorted(about)}"


@req("XAPI-00125", "XAPI-00126")
def test_head_about(lrs):
    r = lrs.request("HEAD", "about")
    expect_status(r, 200, "a HEAD of /about")
    assert r.content == b"", "expected no body on HEAD"
