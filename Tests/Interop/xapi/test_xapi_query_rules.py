"""Rules of statement queries that reach past the statement itself: format=canonical shows the
LRS's canonical Activity definitions in one language (Communication 2.1.3 "Language Filtering
Requirements for Canonical Format Statements")."""

import pytest

from .lrs import activity, expect_status, pause, statement

req = pytest.mark.requirement


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
