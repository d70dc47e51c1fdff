"""The document resources (xAPI Communication 2.2-2.3, 2.6-2.7, 3.1): State, Activity Profile
and Agent Profile. PUT / POST (JSON merge) / GET / DELETE, id lists with since, Content-Type kept,
parameter validation, ETags and concurrency (If-Match, If-None-Match, 409, 412).
"""

from datetime import datetime, timedelta, timezone

import pytest

from .lrs import (ACTIVITY_PROFILE, AGENT_PROFILE, STATE, expect_status, http_date, iso_now,
                  new_document, pause, sha1_hex, uid)

req = pytest.mark.requirement


def per_resource(table, resources=(STATE, ACTIVITY_PROFILE, AGENT_PROFILE)):
    """pytest params, one per document resource, each tagged with that resource's requirement ids."""
    return [pytest.param(r, id=r.name.replace(" ", "-"), marks=[req(*table[r.name])]) for r in resources
            if r.name in table]


def put(lrs, res, params, body, **kw):
    return lrs.doc("PUT", res.path, params, body, **kw)


def post(lrs, res, params, body, **kw):
    return lrs.doc("POST", res.path, params, body, **kw)


def get(lrs, res, params, **kw):
    return lrs.doc("GET", res.path, params, **kw)


def delete(lrs, res, params, **kw):
    return lrs.doc("DELETE", res.path, params, **kw)


def create(lrs, res, params, body=None, content_type=None):
    """Make a new document (PUT with If-None-Match: *, which every version allows)."""
    body = new_document() if body is None else body
    r = put(lrs, res, params, body, content_type=content_type, headers={"If-None-Match": "*"})
    expect_status(r, 204, f"a PUT of a new {res.name} document")
    return body


def current(lrs, res, params):
    r = get(lrs, res, params)
    expect_status(r, 200, f"a GET of a stored {res.name} document")
    return r


# --- single documents -----------------------------------------------------------------------------

@pytest.mark.parametrize("res", per_resource({
    "state": ["XAPI-00190", "XAPI-00188", "XAPI-00192", "XAPI-00217", "XAPI-00230", "XAPI-00140"],
    "activity profile": ["XAPI-00287", "XAPI-00293", "XAPI-00288", "XAPI-00290", "XAPI-00311", "XAPI-00140"],
    "agent profile": ["XAPI-00273", "XAPI-00259", "XAPI-00269", "XAPI-00274", "XAPI-00282", "XAPI-00140"],
}))
def test_put_then_get(lrs, res):
    params = res.params()
    doc = new_document()
    r = put(lrs, res, params, doc, headers={"If-None-Match": "*"})
    expect_status(r, 204, f"a PUT of a new JSON {res.name} document")
    r = current(lrs, res, params)
    assert r.headers.get("Content-Type", "").startswith("application/json"), (
        f"expected the stored Content-Type application/json back; got {r.headers.get('Content-Type')!r}")
    assert r.json() == doc, f"expected the document back; sent {doc}, got {r.text[:300]}"


@pytest.mark.parametrize("res", per_resource({
    "state": ["XAPI-00188"], "activity profile": ["XAPI-00288"], "agent profile": ["XAPI-00269"]}))
@pytest.mark.parametrize("content_type, body", [
    ("text/plain; charset=utf-8", "こんにちは、架け橋".encode()),
    ("application/octet-stream", bytes(range(256))),
    ("image/png", b"\x89PNG\r\n\x1a\n" + bytes(64)),
], ids=["text", "octets", "png"])
def test_content_type_and_bytes_are_kept(lrs, res, content_type, body):
    params = res.params()
    create(lrs, res, params, body, content_type=content_type)
    r = current(lrs, res, params)
    assert r.headers.get("Content-Type") == content_type, (
        f"expected the Content-Type sent ({content_type!r}) back; got {r.headers.get('Content-Type')!r}")
    assert r.content == body, f"expected the bytes back unchanged; got {r.content[:80]!r}"


@pytest.mark.parametrize("res", per_resource({
    "state": ["XAPI-00192"], "activity profile": ["XAPI-00288"], "agent profile": ["XAPI-00269"]}))
def test_get_unknown_document_is_404(lrs, res):
    expect_status(get(lrs, res, res.params()), 404, f"a GET of a {res.name} document never stored")


@pytest.mark.parametrize("res", per_resource({
    "state": ["XAPI-00189", "XAPI-00231", "XAPI-00233"],
    "activity profile": ["XAPI-00286", "XAPI-00292", "XAPI-00310", "XAPI-00312"],
    "agent profile": ["XAPI-00272", "XAPI-00280", "XAPI-00283"],
}))
def test_post_of_a_new_document_stores_it(lrs, res):
    params = res.params()
    doc = new_document()
    expect_status(post(lrs, res, params, doc), 204, f"a POST of a new {res.name} document")
    assert current(lrs, res, params).json() == doc, "expected the POSTed new document back"


@pytest.mark.parametrize("res", per_resource({
    "state": ["XAPI-00234", "XAPI-00183", "XAPI-00184", "XAPI-00185", "XAPI-00186"],
    "activity profile": ["XAPI-00308", "XAPI-00183", "XAPI-00184", "XAPI-00185", "XAPI-00186"],
    "agent profile": ["XAPI-00279", "XAPI-00183", "XAPI-00184", "XAPI-00185", "XAPI-00186"],
}))
def test_post_merges_json_objects(lrs, res):
    params = res.params()
    create(lrs, res, params, {"score": 1, "progress": {"unit": 1, "page": 4}, "keep": "そのまま"})
    r = post(lrs, res, params, {"score": 2, "progress": {"unit": 2}, "added": [1, 2]})
    expect_status(r, 204, f"a POST of a JSON object onto a JSON {res.name} document")
    got = current(lrs, res, params)
    assert got.json() == {"score": 2, "progress": {"unit": 2}, "keep": "そのまま", "added": [1, 2]}, (
        f"expected a one-level merge (new values win, nested objects replaced whole); got {got.text}")
    assert got.headers.get("Content-Type", "").startswith("application/json"), "expected the merge to stay JSON"


@pytest.mark.parametrize("res", per_resource({
    "state": ["XAPI-00232", "XAPI-00229", "XAPI-00182"],
    "activity profile": ["XAPI-00309", "XAPI-00313", "XAPI-00182"],
    "agent profile": ["XAPI-00278", "XAPI-00281", "XAPI-00182"],
}))
@pytest.mark.parametrize("existing, posted", [("json", "text"), ("text", "json"), ("json", "array")])
def test_post_merge_needs_two_json_objects(lrs, res, existing, posted):
    params = res.params()
    if existing == "json":
        before = create(lrs, res, params, {"a": 1})
    else:
        before = create(lrs, res, params, b"plain text", content_type="text/plain")
    if posted == "text":
        r = post(lrs, res, params, b"more text", content_type="text/plain")
    elif posted == "json":
        r = post(lrs, res, params, {"b": 2})
    else:
        r = post(lrs, res, params, b"[1, 2, 3]", content_type="application/json")
    expect_status(r, 400, f"a POST of {posted} onto a {existing} {res.name} document")
    after = current(lrs, res, params)
    assert (after.json() if existing == "json" else after.content) == before, (
        f"expected the rejected POST to leave the document unchanged; got {after.content[:200]!r}")


@pytest.mark.parametrize("res", per_resource({
    "state": ["XAPI-00235"], "activity profile": ["XAPI-00314"], "agent profile": ["XAPI-00284"]}))
@pytest.mark.parametrize("existing", [False, True], ids=["new", "existing"])
def test_post_of_invalid_json_is_rejected(lrs, res, existing):
    params = res.params()
    if existing:
        create(lrs, res, params, {"a": 1})
    r = post(lrs, res, params, b'{"a": 1,', content_type="application/json")
    expect_status(r, 400, f"a POST of malformed JSON as application/json to the {res.name} resource")


@pytest.mark.parametrize("res", per_resource({
    "state": ["XAPI-00187", "XAPI-00191", "XAPI-00216"],
    "activity profile": ["XAPI-00285", "XAPI-00291"],
    "agent profile": ["XAPI-00271"],
}))
def test_delete_one_document(lrs, res):
    params = res.params()
    create(lrs, res, params)
    other = dict(params, **{res.id_param: "other-" + uid()})
    create(lrs, res, other)
    r = delete(lrs, res, params)
    expect_status(r, 204, f"a DELETE of a stored {res.name} document")
    expect_status(get(lrs, res, params), 404, "a GET of the deleted document")
    expect_status(get(lrs, res, other), 200, "a GET of a sibling document the DELETE did not name")


# --- lists and since ------------------------------------------------------------------------------

def id_list(lrs, res, scope, **extra):
    r = get(lrs, res, dict(scope, **extra))
    expect_status(r, 200, f"a GET of the {res.name} ids")
    ids = r.json()
    assert isinstance(ids, list) and all(isinstance(i, str) for i in ids), f"expected an array of ids; got {r.text[:300]}"
    return ids


@pytest.mark.parametrize("res", per_resource({
    "state": ["XAPI-00193"], "activity profile": ["XAPI-00289"], "agent profile": ["XAPI-00270"]}))
def test_id_list(lrs, res):
    scope = res.scope_params()
    ids = ["一", "two-" + uid(), "three/" + uid()]
    for i in ids:
        create(lrs, res, dict(scope, **{res.id_param: i}))
    assert sorted(id_list(lrs, res, scope)) == sorted(ids), "expected exactly the ids stored in this scope"


@pytest.mark.parametrize("res", per_resource({
    "state": ["XAPI-00195", "XAPI-00221", "XAPI-00222"],
    "activity profile": ["XAPI-00294", "XAPI-00303", "XAPI-00141"],
    "agent profile": ["XAPI-00268", "XAPI-00275", "XAPI-00141"],
}))
def test_id_list_since(lrs, res):
    scope = res.scope_params()
    create(lrs, res, dict(scope, **{res.id_param: "before"}))
    pause()
    since = iso_now()
    pause()
    create(lrs, res, dict(scope, **{res.id_param: "after"}))
    assert id_list(lrs, res, scope, since=since) == ["after"], f"expected only the document stored after {since}"
    past = (datetime.now(timezone.utc) - timedelta(days=1)).isoformat()
    assert sorted(id_list(lrs, res, scope, since=past)) == ["after", "before"], "expected both since yesterday"


@pytest.mark.parametrize("res", per_resource({
    "state": ["XAPI-00204", "XAPI-00012"], "activity profile": ["XAPI-00295", "XAPI-00012"],
    "agent profile": ["XAPI-00260", "XAPI-00012"]}))
@pytest.mark.parametrize("since", ["yesterday", "2015-13-01T00:00:00Z"])
def test_id_list_with_invalid_since_is_rejected(lrs, res, since):
    expect_status(get(lrs, res, dict(res.scope_params(), since=since)), 400, f"a {res.name} id list since={since!r}")


@req("XAPI-00194")
def test_state_delete_without_state_id_deletes_all(lrs):
    scope = STATE.scope_params()
    for i in ("a", "b"):
        create(lrs, STATE, dict(scope, stateId=i))
    other_scope = STATE.scope_params()
    create(lrs, STATE, dict(other_scope, stateId="a"))
    expect_status(delete(lrs, STATE, scope), 204, "a DELETE of every state document of an activity and agent")
    assert id_list(lrs, STATE, scope) == [], "expected no state ids left after the DELETE"
    expect_status(get(lrs, STATE, dict(other_scope, stateId="a")), 200, "a GET of another agent's state document")


@req("XAPI-00223")
def test_state_delete_accepts_since(lrs):
    scope = STATE.scope_params()
    create(lrs, STATE, dict(scope, stateId="a"))
    r = delete(lrs, STATE, dict(scope, since="2012-06-01T19:09:13.245Z"))
    expect_status(r, 204, "a DELETE of state documents with a since parameter")


@req("XAPI-00205")
def test_state_delete_with_invalid_since_is_rejected(lrs):
    scope = STATE.scope_params()
    create(lrs, STATE, dict(scope, stateId="a"))
    expect_status(delete(lrs, STATE, dict(scope, since="not a time")), 400, "a state DELETE with since=not a time")
    expect_status(get(lrs, STATE, dict(scope, stateId="a")), 200, "a GET of the document the rejected DELETE kept")


# --- registration ---------------------------------------------------------------------------------

@req("XAPI-00218", "XAPI-00220")
def test_state_registration_scopes_documents(lrs):
    params, reg = STATE.params(), uid()
    doc = create(lrs, STATE, dict(params, registration=reg))
    assert current(lrs, STATE, dict(params, registration=reg)).json() == doc, "expected the registration's document"
    expect_status(get(lrs, STATE, params), 404, "a GET of the same stateId without the registration")
    expect_status(get(lrs, STATE, dict(params, registration=uid())), 404, "a GET with another registration")


@req("XAPI-00227")
def test_state_post_with_registration(lrs):
    params, reg = STATE.params(), uid()
    create(lrs, STATE, params, {"plain": True})
    expect_status(post(lrs, STATE, dict(params, registration=reg), {"registered": True}), 204,
                  "a POST of a state document with a registration")
    assert current(lrs, STATE, dict(params, registration=reg)).json() == {"registered": True}
    assert current(lrs, STATE, params).json() == {"plain": True}, "the POST with a registration changed another document"


@req("XAPI-00219")
def test_state_delete_with_registration(lrs):
    params, reg = STATE.params(), uid()
    create(lrs, STATE, dict(params, registration=reg))
    create(lrs, STATE, params)
    expect_status(delete(lrs, STATE, dict(params, registration=reg)), 204, "a DELETE of a state document with a registration")
    expect_status(get(lrs, STATE, dict(params, registration=reg)), 404, "a GET of the deleted registration document")
    expect_status(get(lrs, STATE, params), 200, "a GET of the document without registration (must survive)")


@pytest.mark.parametrize("method", [pytest.param(m, id=m, marks=[req(i)]) for m, i in (
    ("DELETE", "XAPI-00200"), ("GET", "XAPI-00201"), ("POST", "XAPI-00202"), ("PUT", "XAPI-00203"))])
@pytest.mark.parametrize("registration", ["not-a-uuid", "1", "true"])
def test_state_invalid_registration_is_rejected(lrs, method, registration):
    params = dict(STATE.params(), registration=registration)
    body = new_document() if method in ("PUT", "POST") else None
    expect_status(lrs.doc(method, STATE.path, params, body), 400, f"a state {method} with registration={registration}")


# --- missing and invalid parameters ---------------------------------------------------------------

MISSING = [
    ("state", "DELETE", "activityId", "XAPI-00207"), ("state", "GET", "activityId", "XAPI-00208"),
    ("state", "POST", "activityId", "XAPI-00209"), ("state", "PUT", "activityId", "XAPI-00210"),
    ("state", "DELETE", "agent", "XAPI-00212"), ("state", "GET", "agent", "XAPI-00213"),
    ("state", "POST", "agent", "XAPI-00214"), ("state", "PUT", "agent", "XAPI-00215"),
    ("state", "PUT", "stateId", "XAPI-00206"), ("state", "POST", "stateId", "XAPI-00211"),
    ("activity profile", "GET", "activityId", "XAPI-00296"), ("activity profile", "DELETE", "activityId", "XAPI-00297"),
    ("activity profile", "POST", "activityId", "XAPI-00298"), ("activity profile", "PUT", "activityId", "XAPI-00299"),
    ("activity profile", "DELETE", "profileId", "XAPI-00300"), ("activity profile", "POST", "profileId", "XAPI-00301"),
    ("activity profile", "PUT", "profileId", "XAPI-00302"),
    ("agent profile", "GET", "agent", "XAPI-00261"), ("agent profile", "DELETE", "agent", "XAPI-00262"),
    ("agent profile", "POST", "agent", "XAPI-00263"), ("agent profile", "PUT", "agent", "XAPI-00264"),
    ("agent profile", "DELETE", "profileId", "XAPI-00265"), ("agent profile", "POST", "profileId", "XAPI-00266"),
    ("agent profile", "PUT", "profileId", "XAPI-00267"),
]
RES = {r.name: r for r in (STATE, ACTIVITY_PROFILE, AGENT_PROFILE)}


@pytest.mark.parametrize("name, method, missing", [
    pytest.param(n, m, p, id=f"{n.replace(' ', '-')}-{m}-without-{p}", marks=[req(i)]) for n, m, p, i in MISSING])
def test_missing_parameter_is_rejected(lrs, name, method, missing):
    res = RES[name]
    params = res.params()
    existing = dict(params)
    if method in ("GET", "DELETE") or missing == res.id_param:
        create(lrs, res, existing)
    del params[missing]
    body = new_document() if method in ("PUT", "POST") else None
    expect_status(lrs.doc(method, res.path, params, body), 400, f"a {name} {method} without {missing}")
    if method == "DELETE":
        expect_status(get(lrs, res, existing), 200, "a GET of the document the rejected DELETE must not remove")


# A query parameter is always text, so "a stateId / profileId that is not a string" reaches an LRS
# only in the form an HTML form or query-string encoder gives a structured value (an object as
# `stateId[key]=value`, as the ADL suite's request library sends one). The LRS must refuse it and
# not read the request as one without a document id: a DELETE would then remove every document
# of the scope, and a GET would list them.
NOT_A_STRING = [
    ("state", "DELETE", "XAPI-00224"), ("state", "GET", "XAPI-00225"), ("state", "POST", "XAPI-00226"),
    ("state", "PUT", "XAPI-00228"), ("agent profile", "POST", "XAPI-00276"), ("agent profile", "PUT", "XAPI-00277"),
    ("activity profile", "DELETE", "XAPI-00305"), ("activity profile", "POST", "XAPI-00306"),
    ("activity profile", "PUT", "XAPI-00307"),
]


@pytest.mark.parametrize("name, method", [
    pytest.param(n, m, id=f"{n.replace(' ', '-')}-{m}", marks=[req(i)]) for n, m, i in NOT_A_STRING])
@pytest.mark.parametrize("shape", ["object", "array"])
def test_document_id_that_is_not_a_string_is_rejected(lrs, name, method, shape):
    res = RES[name]
    existing = res.params()
    create(lrs, res, existing)
    params = {k: v for k, v in existing.items() if k != res.id_param}
    if shape == "object":
        params[f"{res.id_param}[key]"] = "value"
    else:
        params[f"{res.id_param}[]"] = existing[res.id_param]
    body = new_document() if method in ("PUT", "POST") else None
    expect_status(lrs.doc(method, res.path, params, body), 400, f"a {name} {method} with {res.id_param} as an {shape}")
    expect_status(get(lrs, res, existing), 200, "a GET of the document the rejected request must leave")


BAD_AGENT = [
    ("state", "DELETE", "XAPI-00196"), ("state", "GET", "XAPI-00197"), ("state", "POST", "XAPI-00198"),
    ("state", "PUT", "XAPI-00199"), ("agent profile", "DELETE", "XAPI-00255"), ("agent profile", "POST", "XAPI-00256"),
    ("agent profile", "PUT", "XAPI-00257"), ("agent profile", "GET", "XAPI-00258"),
]


@pytest.mark.parametrize("name, method", [
    pytest.param(n, m, id=f"{n.replace(' ', '-')}-{m}", marks=[req(i)]) for n, m, i in BAD_AGENT])
@pytest.mark.parametrize("value", ["not json", '{"objectType": "Agent", "name": "no ifi"}',
                                   '{"objectType": "Activity", "id": "http://kakehashi.test/a"}',
                                   '{"mbox": "student@example.org"}'],
                         ids=["not-json", "no-ifi", "activity", "bad-mbox"])
def test_invalid_agent_parameter_is_rejected(lrs, name, method, value):
    res = RES[name]
    params = res.params()
    params["agent"] = value
    body = new_document() if method in ("PUT", "POST") else None
    expect_status(lrs.doc(method, res.path, params, body), 400, f"a {name} {method} with agent={value!r}")


@req("XAPI-00304", "XAPI-00324")
def test_activity_profile_rejects_an_agent_parameter(lrs):
    params = dict(ACTIVITY_PROFILE.params(), agent="not json")
    expect_status(get(lrs, ACTIVITY_PROFILE, params), 400, "an activity profile GET with an agent parameter")


@pytest.mark.parametrize("res", per_resource({"state": ["XAPI-00012"], "activity profile": ["XAPI-00012"]}))
@pytest.mark.parametrize("method", ["GET", "PUT", "POST", "DELETE"])
def test_activity_id_must_be_an_iri(lrs, res, method):
    params = dict(res.params(), activityId="not an iri")
    body = new_document() if method in ("PUT", "POST") else None
    expect_status(lrs.doc(method, res.path, params, body), 400, f"a {res.name} {method} with activityId='not an iri'")


# --- concurrency ----------------------------------------------------------------------------------

def etag_of(lrs, res, params):
    r = current(lrs, res, params)
    tag = r.headers.get("ETag")
    assert tag, f"expected an ETag on a {res.name} document GET; got headers {dict(r.headers)}"
    return tag, r


@pytest.mark.parametrize("res", per_resource({n: ["XAPI-00322"] for n in RES}))
def test_get_has_quoted_sha1_etag(lrs, res):
    params = res.params()
    create(lrs, res, params, {"a": "b"})
    tag, r = etag_of(lrs, res, params)
    bare = tag[2:] if tag.startswith("W/") else tag
    assert len(bare) == 42 and bare[0] == bare[-1] == '"', f"expected a quoted 40-character ETag; got {tag!r}"
    if not lrs.v2:  # 1.0.3: the hexadecimal SHA-1 of the contents
        assert bare[1:-1].lower() == sha1_hex(r.content), (
            f"expected the ETag to be the SHA-1 of the document ({sha1_hex(r.content)}); got {tag!r}")


@pytest.mark.parametrize("res", per_resource({n: ["XAPI-00322"] for n in RES}))
def test_etag_changes_with_the_document(lrs, res):
    params = res.params()
    create(lrs, res, params, {"v": 1})
    first, _ = etag_of(lrs, res, params)
    expect_status(put(lrs, res, params, {"v": 2}, headers={"If-Match": first}), 204, "a PUT with the current ETag")
    second, r = etag_of(lrs, res, params)
    assert second != first and r.json() == {"v": 2}, f"expected a new ETag and the new document; got {second!r}, {r.text}"


@pytest.mark.parametrize("res", per_resource({n: ["XAPI-00322"] for n in RES}))
def test_if_match_with_a_stale_etag_is_412(lrs, res):
    params = res.params()
    doc = create(lrs, res, params)
    r = put(lrs, res, params, new_document(), headers={"If-Match": '"1111111111111111111111111111111111111111"'})
    expect_status(r, 412, f"a {res.name} PUT with an If-Match that does not match")
    assert current(lrs, res, params).json() == doc, "expected the document unchanged after 412"


@pytest.mark.parametrize("res", per_resource({n: ["XAPI-00322"] for n in RES}))
def test_if_match_on_a_missing_document_is_412(lrs, res):
    r = put(lrs, res, res.params(), new_document(), headers={"If-Match": '"1111111111111111111111111111111111111111"'})
    expect_status(r, 412, f"a {res.name} PUT with If-Match for a document that does not exist")


@pytest.mark.parametrize("res", per_resource({n: ["XAPI-00322"] for n in RES}))
def test_if_none_match_star(lrs, res):
    params = res.params()
    doc = create(lrs, res, params)  # If-None-Match: * on a new document → 204
    r = put(lrs, res, params, new_document(), headers={"If-None-Match": "*"})
    expect_status(r, 412, f"a {res.name} PUT with If-None-Match: * when the document exists")
    assert current(lrs, res, params).json() == doc, "expected the document unchanged after 412"


@pytest.mark.parametrize("res", per_resource({"activity profile": ["XAPI-00322"], "agent profile": ["XAPI-00322"]}))
def test_put_without_precondition_on_existing_profile_is_409(lrs, res):
    params = res.params()
    doc = create(lrs, res, params)
    r = put(lrs, res, params, new_document())
    expect_status(r, 409, f"a {res.name} PUT without If-Match or If-None-Match onto an existing document")
    assert r.text.strip(), "expected an error message explaining the 409"
    assert current(lrs, res, params).json() == doc, "expected the document unchanged after 409"


@req("XAPI-00190")
def test_state_put_without_precondition_overwrites_in_1_0_3(lrs_1_0_3):
    lrs = lrs_1_0_3
    params = STATE.params()
    create(lrs, STATE, params)
    new = new_document()
    expect_status(put(lrs, STATE, params, new), 204, "a 1.0.3 state PUT without precondition headers (allowed)")
    assert current(lrs, STATE, params).json() == new, "expected the state document replaced"


@req("XAPI2-STATE-CONCURRENCY")
def test_state_put_without_precondition_is_409_in_2_0(lrs_2_0_0):
    lrs = lrs_2_0_0
    params = STATE.params()
    doc = create(lrs, STATE, params)
    r = put(lrs, STATE, params, new_document())
    expect_status(r, 409, "a 2.0 state PUT without If-Match or If-None-Match onto an existing document")
    assert current(lrs, STATE, params).json() == doc, "expected the state document unchanged after 409"


@pytest.mark.parametrize("res", per_resource({"state": ["XAPI2-STATE-CONCURRENCY"],
                                              "activity profile": ["XAPI-00322"], "agent profile": ["XAPI-00322"]}))
@pytest.mark.parametrize("method", ["POST", "DELETE"])
def test_if_match_on_post_and_delete_in_2_0(lrs_2_0_0, res, method):
    lrs = lrs_2_0_0
    params = res.params()
    doc = create(lrs, res, params)
    body = {"more": 1} if method == "POST" else None
    r = lrs.doc(method, res.path, params, body, headers={"If-Match": '"1111111111111111111111111111111111111111"'})
    expect_status(r, 412, f"a 2.0 {res.name} {method} with a stale If-Match")
    assert current(lrs, res, params).json() == doc, f"expected the document unchanged after a 412 {method}"
    tag, _ = etag_of(lrs, res, params)
    r = lrs.doc(method, res.path, params, body, headers={"If-Match": tag})
    expect_status(r, 204, f"a 2.0 {res.name} {method} with the current If-Match")


@pytest.mark.parametrize("res", per_resource({n: ["XAPI2-LAST-MODIFIED"] for n in RES}))
def test_last_modified_in_2_0(lrs_2_0_0, res):
    params = res.params()
    before = datetime.now(timezone.utc).replace(microsecond=0) - timedelta(seconds=1)
    create(lrs_2_0_0, res, params)
    r = current(lrs_2_0_0, res, params)
    value = r.headers.get("Last-Modified")
    assert value, f"expected Last-Modified on a 2.0 {res.name} document GET; got headers {dict(r.headers)}"
    when = http_date(value)
    assert before <= when <= datetime.now(timezone.utc) + timedelta(seconds=1), (
        f"expected Last-Modified to be the time of the PUT; got {value!r}")


@pytest.mark.parametrize("res", per_resource({n: ["XAPI-00125", "XAPI-00126"] for n in RES}))
def test_head_of_a_document(lrs, res):
    params = res.params()
    create(lrs, res, params)
    g = current(lrs, res, params)
    h = lrs.doc("HEAD", res.path, params)
    expect_status(h, 200, f"a HEAD of a stored {res.name} document")
    assert h.content == b"", f"expected no body on HEAD; got {h.content[:80]!r}"
    assert h.headers.get("ETag") == g.headers.get("ETag"), (
        f"expected HEAD's ETag {g.headers.get('ETag')!r}; got {h.headers.get('ETag')!r}")
    assert h.headers.get("Content-Type") == g.headers.get("Content-Type"), "expected the GET's Content-Type on HEAD"
    expect_status(lrs.doc("HEAD", res.path, res.params()), 404, f"a HEAD of a {res.name} document never stored")
    lst = lrs.doc("HEAD", res.path, res.scope_params())
    expect_status(lst, 200, f"a HEAD of the {res.name} id list")
    assert lst.content == b"", "expected no body on HEAD of an id list"
