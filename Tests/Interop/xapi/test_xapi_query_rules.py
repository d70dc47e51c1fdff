"""Two rules of statement queries that reach past the statement itself: statements that target a
matching statement with a StatementRef match too (Communication 2.1.3 "Filter Conditions for
StatementRefs", 2.1.4), and format=canonical shows the LRS's canonical Activity definitions in
one language (2.1.3 "Language Filtering Requirements for Canonical Format Statements")."""

import pytest

from .lrs import VOIDED, activity, agent, expect_status, ids_of, pause, statement, uid, verb, voiding

req = pytest.mark.requirement


def ref(target):
    return {"objectType": "StatementRef", "id": target["id"]}


def chain(lrs):
    """Ben passed (a); Andrew confirmed a (b); Carol countersigned b (c); something unrelated.
    Returns (ben, the activity, [c, b, a] newest first)."""
    ben = agent("Ben")
    training = activity()
    a = statement(actor=ben, obj=training)
    lrs.store(a)
    pause()
    lrs.store(statement())
    pause()
    b = statement(actor=agent("Andrew"), obj=ref(a))
    lrs.store(b)
    pause()
    c = statement(actor=agent("Carol"), obj=ref(b))
    lrs.store(c)
    return ben, training, [c["id"], b["id"], a["id"]]


@req("KAKEHASHI-STATEMENTREF-FILTER")
def test_statements_targeting_a_matching_statement_are_returned(lrs):
    ben, training, expected = chain(lrs)
    for params in ({"agent": {"mbox": ben["mbox"]}}, {"activity": training["id"]},
                   {"activity": training["id"], "verb": "http://adlnet.gov/expapi/verbs/experienced"}):
        found = ids_of(lrs.query_all(**params)[0])
        assert found == expected, f"expected the statement and the two that target it (newest first) for {params}; got {found}"
    found = ids_of(lrs.query_all(activity=training["id"], ascending=True)[0])
    assert found == expected[::-1], f"expected oldest first with ascending=true; got {found}"


@req("KAKEHASHI-STATEMENTREF-FILTER")
def test_time_and_paging_apply_to_the_targeting_statements(lrs):
    ben, training, expected = chain(lrs)
    statements, pages = lrs.query_all(activity=training["id"], limit=1)
    assert ids_of(statements) == expected and pages == 3, (
        f"expected three pages of one statement each, in order; got {ids_of(statements)} in {pages} pages")
    middle = lrs.fetch(expected[1])["stored"]
    found = ids_of(lrs.query_all(activity=training["id"], since=middle)[0])
    assert found == expected[:1], f"expected only the statement stored after {middle}; got {found}"
    found = ids_of(lrs.query_all(agent={"mbox": ben["mbox"]}, until=middle)[0])
    assert found == expected[1:], f"expected the statements stored at or before {middle}; got {found}"


@req("XAPI-00162", "KAKEHASHI-STATEMENTREF-FILTER")
def test_a_voided_target_still_brings_its_targeting_statements(lrs):
    target = statement(verb_=verb(f"http://kakehashi.test/xapi/verb/{uid()}"))
    lrs.store(target)
    pause()
    comment = statement(obj=ref(target))
    lrs.store(comment)
    pause()
    v = voiding(target["id"])
    lrs.store(v)
    found = ids_of(lrs.query_all(verb=target["verb"]["id"])[0])
    assert target["id"] not in found, "the voided statement must not be returned"
    assert found == [v["id"], comment["id"]], (
        f"expected the voiding statement and the comment, which target the matching voided statement; got {found}")
    assert v["verb"]["id"] == VOIDED


@req("XAPI-00169", "XAPI-00172", "KAKEHASHI-CANONICAL-DEFINITIONS")
def test_canonical_shows_the_lrs_definition_in_the_chosen_language(lrs):
    drill = activity()["id"]
    english = statement(obj={"objectType": "Activity", "id": drill, "definition": {
        "name": {"en-US": "Kanji drill"}, "description": {"en-US": "Grade 3 kanji"}}})
    japanese = statement(obj={"objectType": "Activity", "id": drill, "definition": {"name": {"ja-JP": "漢字ドリル"}}})
    lrs.store(english)
    pause()
    lrs.store(japanese)
    r = lrs.request("GET", "statements", params={"statementId": english["id"], "format": "canonical"},
                    headers={"Accept-Language": "ja-JP, en;q=0.5"})
    expect_status(r, 200, "a GET with format=canonical")
    definition = r.json()["object"]["definition"]
    assert definition["name"] == {"ja-JP": "漢字ドリル"}, (
        f"expected the canonical (combined) name in Japanese, which another statement gave; got {definition}")
    assert definition["description"] == {"en-US": "Grade 3 kanji"}, f"expected the one description; got {definition}"
    r = lrs.request("GET", "statements", params={"activity": drill, "format": "canonical"},
                    headers={"Accept-Language": "en"})
    expect_status(r, 200, "a query with format=canonical")
    names = [s["object"]["definition"]["name"] for s in r.json()["statements"]]
    assert names == [{"en-US": "Kanji drill"}] * 2, f"expected both statements to show the English name; got {names}"
    exact = lrs.fetch(english["id"])
    assert exact["object"]["definition"]["name"] == {"en-US": "Kanji drill"}, "format=exact keeps the statement as sent"
