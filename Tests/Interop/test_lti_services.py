"""LTI Advantage services through pylti1p3: the token endpoint (private_key_jwt), Assignment and
Grade Services (a score that then shows in Kakehashi's gradebook) and Names and Role
Provisioning Services (every member, page by page through the Link header). The refusals:
unknown kid, replayed jti, scopes not granted, another class or tenant. Last, the tool rotates
its key and Kakehashi fetches the tool's JWKS again.
"""

import re
import secrets
import time

import pytest
import requests

from conftest import TENANT, page
from conftest_lti import (
    AGS_CLAIM, AGS_SCOPES, INSTRUCTOR, LEARNER, NRPS_CLAIM, NRPS_SCOPE, access_token, describe,
    launch_link, token_request,
)

NRPS_MEDIA = "application/vnd.ims.lti-nrps.v2.membershipcontainer+json"
CONTAINER_MEDIA = "application/vnd.ims.lis.v2.lineitemcontainer+json"
SCORE_MEDIA = "application/vnd.ims.lis.v1.score+json"


def oauth_error(response):
    try:
        return response.json().get("error")
    except ValueError:
        return None


def now_iso():
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime()) + f".{int(time.time() * 1000) % 1000:03d}Z"


@pytest.fixture(scope="module")
def student_launch(server, lti_tool, deep_linked, student_browser):
    return launch_link(student_browser, server, lti_tool, deep_linked["id"]).json()


@pytest.fixture(scope="module")
def teacher_launch(server, lti_tool, deep_linked, teacher_browser):
    return launch_link(teacher_browser, server, lti_tool, deep_linked["id"]).json()


# --- token endpoint -------------------------------------------------------------------------------

def assertion(tool, registration, server, **kw):
    payload = {"client_id": registration.client_id, "aud": server.url("/lti/token")}
    payload.update(kw)
    return tool.knob("/test/assertion", payload)["assertion"]


def test_token_endpoint_grants_registered_scopes(server, lti_tool, lti_registration):
    r = token_request(server, assertion(lti_tool, lti_registration, server), " ".join(AGS_SCOPES + [NRPS_SCOPE]))
    assert r.status_code == 200, describe(r)
    t = r.json()
    assert t["access_token"] and t["token_type"].lower() == "bearer", t
    assert t["expires_in"] <= 3600 and t["expires_in"] > 60, t
    assert set(t["scope"].split()) == set(AGS_SCOPES + [NRPS_SCOPE]), t
    # Asking for a registered scope and one it was never granted: the intersection.
    r = token_request(server, assertion(lti_tool, lti_registration, server),
                      NRPS_SCOPE + " https://purl.imsglobal.org/spec/lti-gs/scope/contextgroup.readonly")
    assert r.status_code == 200 and r.json()["scope"].split() == [NRPS_SCOPE], describe(r)


@pytest.mark.parametrize("case", ["unknown-kid", "foreign-key", "wrong-aud", "iss-not-sub", "expired",
                                  "unknown-client"])
def test_token_endpoint_refuses_bad_assertions(server, lti_tool, lti_registration, case):
    kw = {
        "unknown-kid": {"kid": "no-such-kid-" + secrets.token_hex(4)},
        "foreign-key": {"foreign_key": True},
        "wrong-aud": {"aud": server.base_url + "/elsewhere"},
        "iss-not-sub": {"iss": "someone-else"},
        "expired": {"exp_in": -120},
        "unknown-client": {"client_id": "no-such-client"},
    }[case]
    r = token_request(server, assertion(lti_tool, lti_registration, server, **kw), NRPS_SCOPE)
    assert r.status_code in (400, 401), f"{case}: {describe(r)}"
    assert oauth_error(r) == "invalid_client", f"{case}: {describe(r)}"


def test_token_endpoint_refuses_a_replayed_jti(server, lti_tool, lti_registration):
    a = assertion(lti_tool, lti_registration, server)
    first = token_request(server, a, NRPS_SCOPE)
    assert first.status_code == 200, describe(first)
    again = token_request(server, a, NRPS_SCOPE)
    assert again.status_code in (400, 401) and oauth_error(again) == "invalid_client", describe(again)


def test_token_endpoint_refuses_scopes_not_granted(server, lti_tool, lti_registration):
    r = token_request(server, assertion(lti_tool, lti_registration, server),
                      "https://purl.imsglobal.org/spec/lti-gs/scope/contextgroup.readonly")
    assert r.status_code in (400, 401) and oauth_error(r) == "invalid_scope", describe(r)


def test_token_endpoint_refuses_other_grants(server, lti_tool, lti_registration):
    r = token_request(server, assertion(lti_tool, lti_registration, server), NRPS_SCOPE,
                      grant_type="authorization_code")
    assert r.status_code == 400 and oauth_error(r) == "unsupported_grant_type", describe(r)


# --- Assignment and Grade Services ----------------------------------------------------------------

def gradebook_cell(browser, server, class_id, student_name, label):
    r = browser.get(server.url(f"/t/{TENANT}/classes/{class_id}/gradebook"), timeout=15)
    assert r.status_code == 200, describe(r)
    table = page(r).find("table")
    assert table is not None, "the gradebook has no table"
    header = [c.get_text(" ", strip=True) for c in table.find("tr").find_all(["th", "td"])]
    columns = [i for i, h in enumerate(header) if label in h]
    assert columns, f"no gradebook column for {label!r}: {header}"
    for row in table.find_all("tr")[1:]:
        cells = [c.get_text(" ", strip=True) for c in row.find_all(["th", "td"])]
        if cells and all(part in cells[0] for part in student_name.split()):
            return [cells[i] for i in columns if i < len(cells)]
    raise AssertionError(f"no gradebook row for {student_name}")


def test_score_reaches_the_gradebook(server, lti_tool, lti_class, lti_people, deep_linked, student_launch,
                                     teacher_browser):
    assert student_launch["has_ags"] and student_launch["claims"][AGS_CLAIM].get("lineitem")
    r = lti_tool.call("/score", {"launch_id": student_launch["launch_id"], "user_id": student_launch["sub"],
                                 "score": 87, "comment": "よくできました"})
    assert r.status_code == 200, f"pylti1p3 put_grade: {r.text}"
    cells = gradebook_cell(teacher_browser, server, lti_class.sourced_id, lti_people["student"].name, "テスト1")
    assert any(re.search(r"(^|\D)87(\D|$)", c) for c in cells), f"87 not in the gradebook cells {cells}"
    results = lti_tool.call("/results", {"launch_id": student_launch["launch_id"]})
    assert results.status_code == 200, results.text
    mine = [x for x in results.json()["results"] if x["userId"] == student_launch["sub"]]
    assert mine and mine[0]["resultScore"] == 87 and mine[0]["resultMaximum"] == 100, results.json()


def test_score_rules(server, lti_tool, lti_registration, student_launch, teacher_launch):
    """Older timestamps, unknown users and scoreGiven without scoreMaximum are refused."""
    lineitem = student_launch["claims"][AGS_CLAIM]["lineitem"]
    token = access_token(server, lti_tool, lti_registration, "https://purl.imsglobal.org/spec/lti-ags/scope/score")
    scores = lineitem.split("?")[0].rstrip("/") + "/scores" + ("?" + lineitem.split("?", 1)[1] if "?" in lineitem else "")

    def post(body):
        return requests.post(scores, json=body, timeout=15, headers={
            "Authorization": "Bearer " + token, "Content-Type": SCORE_MEDIA})

    base = {"userId": student_launch["sub"], "activityProgress": "Completed", "gradingProgress": "FullyGraded",
            "scoreGiven": 90, "scoreMaximum": 100}
    assert post(dict(base, timestamp=now_iso())).status_code in (200, 201, 204)
    old = post(dict(base, timestamp="2020-01-01T00:00:00.000Z"))
    assert old.status_code == 400, f"older timestamp: {describe(old)}"
    stranger = post(dict(base, userId="not-in-this-class", timestamp=now_iso()))
    assert stranger.status_code == 422, f"user not in the context: {describe(stranger)}"
    no_max = post({k: v for k, v in dict(base, timestamp=now_iso()).items() if k != "scoreMaximum"})
    assert no_max.status_code in (400, 422), f"scoreGiven without scoreMaximum: {describe(no_max)}"


# --- Names and Role Provisioning Services --------------------------------------------------------

def test_members_page_by_page(server, lti_tool, lti_class, lti_people, student_launch, teacher_launch):
    r = lti_tool.call("/members", {"launch_id": teacher_launch["launch_id"], "limit": 10})
    assert r.status_code == 200, f"pylti1p3 NRPS: {r.text}"
    answer = r.json()
    members = answer["members"]
    expected = len(lti_class.students) + len(lti_class.teachers)
    assert len(members) == expected, f"{len(members)} members over {answer['pages']} pages, expected {expected}"
    assert answer["pages"] == -(-expected // 10), (
        f"limit=10 gave {answer['pages']} pages for {expected} members: {answer['page_urls']}")
    assert all(h and 'rel="next"' in h.lower() for h in answer["link_headers"][:-1]), answer["link_headers"]
    ids = [m["user_id"] for m in members]
    assert len(set(ids)) == len(ids), "a member appears twice across pages"
    assert student_launch["sub"] in ids and teacher_launch["sub"] in ids, "NRPS user_id differs from the launch sub"
    by_id = {m["user_id"]: m for m in members}
    assert LEARNER in by_id[student_launch["sub"]]["roles"]
    assert INSTRUCTOR in by_id[teacher_launch["sub"]]["roles"]
    for m in members:
        assert m.get("status", "Active") in ("Active", "Inactive", "Deleted")
        assert "email" not in m, "privacy.email is false, yet NRPS gives emails"
        assert m.get("name"), "privacy.name is true, yet NRPS gives no name"
        assert m["user_id"] not in {s.sourced_id for s in lti_class.students}
    assert answer["context"]["id"] == lti_class.sourced_id, answer["context"]
    everything = lti_tool.call("/members", {"launch_id": teacher_launch["launch_id"]}).json()
    assert len(everything["members"]) == expected


def test_members_by_role(server, lti_tool, lti_class, teacher_launch):
    r = lti_tool.call("/members", {"launch_id": teacher_launch["launch_id"], "role": INSTRUCTOR})
    assert r.status_code == 200, r.text
    members = r.json()["members"]
    assert len(members) == len(lti_class.teachers) and all(INSTRUCTOR in m["roles"] for m in members), members


# --- what a token does not open --------------------------------------------------------------------

def test_services_need_a_token_with_the_scope(server, lti_tool, lti_registration, student_launch):
    url = student_launch["claims"][NRPS_CLAIM]["context_memberships_url"]
    r = requests.get(url, headers={"Accept": NRPS_MEDIA}, timeout=15)
    assert r.status_code == 401, f"no token: {describe(r)}"
    r = requests.get(url, headers={"Accept": NRPS_MEDIA, "Authorization": "Bearer not-a-token"}, timeout=15)
    assert r.status_code == 401, f"bad token: {describe(r)}"
    score_only = access_token(server, lti_tool, lti_registration, "https://purl.imsglobal.org/spec/lti-ags/scope/score")
    r = requests.get(url, headers={"Accept": NRPS_MEDIA, "Authorization": "Bearer " + score_only}, timeout=15)
    assert r.status_code in (401, 403), f"a score-only token reading members: {describe(r)}"


def swap_class(url, old_class, new_class, new_tenant=None):
    assert old_class in url, f"the service URL {url} does not contain the class id {old_class}"
    swapped = url.replace(old_class, new_class)
    if new_tenant:
        swapped = swapped.replace(f"/{TENANT}/", f"/{new_tenant}/")
    return swapped


def test_services_refuse_a_class_without_the_tool(server, lti_tool, lti_registration, lti_class, lti_roster,
                                                   student_launch):
    """Beyond the written contract (which names another tenant's class only): the tool is placed in
    one class, so its token should not read the roster or line items of another class of the
    tenant. Drop this test if tenant-wide service access is intended."""
    other = next(c for c in lti_roster.values() if c.sourced_id != lti_class.sourced_id)
    token = access_token(server, lti_tool, lti_registration, NRPS_SCOPE + " " + " ".join(AGS_SCOPES))
    headers = {"Authorization": "Bearer " + token}
    opened = []
    for claim, key, media in ((NRPS_CLAIM, "context_memberships_url", NRPS_MEDIA),
                              (AGS_CLAIM, "lineitems", CONTAINER_MEDIA)):
        url = swap_class(student_launch["claims"][claim][key], lti_class.sourced_id, other.sourced_id)
        r = requests.get(url, headers=dict(headers, Accept=media), timeout=15)
        if r.status_code not in (403, 404):
            opened.append(describe(r))
    assert not opened, f"a class where the tool is not placed ({other.title}): {opened}"


def test_services_refuse_another_tenants_class(server, lti_tool, lti_registration, lti_class, other_tenant,
                                                student_launch):
    foreign = next(iter(other_tenant["classes"].values()))
    token = access_token(server, lti_tool, lti_registration, NRPS_SCOPE + " " + " ".join(AGS_SCOPES))
    headers = {"Authorization": "Bearer " + token}
    for claim, key, media in ((NRPS_CLAIM, "context_memberships_url", NRPS_MEDIA),
                              (AGS_CLAIM, "lineitems", CONTAINER_MEDIA)):
        url = swap_class(student_launch["claims"][claim][key], lti_class.sourced_id, foreign.sourced_id,
                         other_tenant["tenant"])
        r = requests.get(url, headers=dict(headers, Accept=media), timeout=15)
        assert r.status_code in (403, 404), f"another tenant's class: {describe(r)}"
        assert foreign.title not in r.text


# --- key rotation (last: the tool signs with a new key from here on) ------------------------------

def test_tool_key_rotation(server, lti_tool, lti_registration, student_launch):
    """The tool publishes a new key (keeping the old one) and signs with it. Kakehashi meets a kid
    it has not seen and fetches the tool's JWKS again; it refetches no sooner than a minute after
    its last fetch (so a dead tool is not hammered), so this waits up to 75 s."""
    before = token_request(server, assertion(lti_tool, lti_registration, server), NRPS_SCOPE)
    assert before.status_code == 200, describe(before)
    rotated = lti_tool.knob("/test/rotate-key", {})
    assert len(rotated["kids"]) == 2
    started, refusals = time.monotonic(), 0
    while True:
        r = lti_tool.call("/score", {"launch_id": student_launch["launch_id"], "user_id": student_launch["sub"],
                                     "score": 91})
        if r.status_code == 200:
            break
        answer = r.json()
        assert answer.get("platform_status") == 401 and "invalid_client" in answer.get("platform_body", ""), r.text
        refusals += 1
        assert time.monotonic() - started < 75, (
            f"Kakehashi still refuses the tool's new key {rotated['signing_kid']} after 75 s: {answer['platform_body']}")
        time.sleep(5)
    print(f"new key accepted after {time.monotonic() - started:.0f} s ({refusals} refusals)")
