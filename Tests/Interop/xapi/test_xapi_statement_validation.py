"""Statement structure (xAPI Data 2.2, 2.4, 4): what the LRS must accept and what it must reject
with 400 Bad Request. Every case is a fresh, otherwise valid statement with one thing changed.
"""

import hashlib
import json

import pytest

from .lrs import (ANSWERED, DELETE, VOIDED, account_agent, activity, activity_id, agent,
                  expect_status, group, mbox, mutate, parse_timestamp, statement, uid, verb)

req = pytest.mark.requirement


def base():
    """A valid statement using most of the optional structure."""
    s = statement()
    s["result"] = {
        "score": {"scaled": 0.8, "raw": 8, "min": 0, "max": 10},
        "success": True, "completion": True, "response": "はい", "duration": "PT1M30S",
        "extensions": {"http://kakehashi.test/xapi/ext/attempt": 1},
    }
    s["context"] = {
        "registration": uid(),
        "instructor": agent(name="先生"),
        "team": group(members=[agent(), agent()]),
        "contextActivities": {
            "parent": [activity()], "grouping": [activity()], "category": [activity()], "other": [activity()],
        },
        "revision": "r1", "platform": "Kakehashi", "language": "ja-JP",
        "statement": {"objectType": "StatementRef", "id": uid()},
        "extensions": {"http://kakehashi.test/xapi/ext/school": "第一小学校"},
    }
    s["timestamp"] = "2026-04-01T09:00:00.000Z"
    return s


def with_object(obj):
    return lambda: mutate(statement(), "object", obj)


def interaction(itype, **components):
    d = {
        "name": {"en-US": "Question"}, "description": {"en-US": "A question"},
        "type": "http://adlnet.gov/expapi/activities/cmi.interaction",
        "interactionType": itype, "correctResponsesPattern": ["a"],
    }
    d.update(components)
    return {"objectType": "Activity", "id": activity_id("question"), "definition": d}


def components(*ids):
    return [{"id": i, "description": {"en-US": f"Choice {i}", "ja-JP": f"選択肢 {i}"}} for i in ids]


def substatement(**changes):
    sub = {"objectType": "SubStatement", "actor": agent(), "verb": verb(), "object": activity()}
    for k, v in changes.items():
        if v is DELETE:
            sub.pop(k, None)
        else:
            sub[k] = v
    return sub


def m(path, value=DELETE, start=base):
    return lambda: mutate(start(), path, value)


def raw(text_builder):
    """A case whose body is raw text (not a dict)."""
    return text_builder


def C(case_id, reqs, build, path=None):
    """One case: pytest id, requirement ids, a builder of the statement, and (for the Kakehashi
    error-body rule) the JSON path the error should name."""
    return pytest.param(build, path, id=case_id, marks=[req(*reqs)])


INVALID = [
    # 2.2 formatting
    C("null-actor-name", ["XAPI-00001"], m("actor.name", None), "$.actor.name"),
    C("null-result-success", ["XAPI-00001"], m("result.success", None), "$.result.success"),
    C("empty-verb-display", ["XAPI-00001", "XAPI-00045"], m("verb.display", {}), "$.verb.display"),
    C("no-actor", ["XAPI-00003"], m("actor"), "$.actor"),
    C("no-verb", ["XAPI-00004"], m("verb"), "$.verb"),
    C("no-object", ["XAPI-00005"], m("object"), "$.object"),
    C("verb-is-string", ["XAPI-00006"], m("verb", "http://adlnet.gov/expapi/verbs/experienced"), "$.verb"),
    C("actor-is-array", ["XAPI-00006"], m("actor", [{"mbox": "mailto:a@example.org"}]), "$.actor"),
    C("empty-mbox", ["XAPI-00007", "XAPI-00038"], m("actor.mbox", ""), "$.actor.mbox"),
    C("empty-id", ["XAPI-00007", "XAPI-00027"], m("id", ""), "$.id"),
    C("empty-registration", ["XAPI-00007", "XAPI-00087"], m("context.registration", ""), "$.context.registration"),
    C("key-case-Actor", ["XAPI-00008"], lambda: {**mutate(statement(), "actor"), "Actor": agent()}, "$.Actor"),
    C("key-case-verb-Display", ["XAPI-00008"],
      lambda: mutate(mutate(statement(), "verb.display"), "verb.Display", {"en-US": "x"}), "$.verb.Display"),
    C("key-case-mbox", ["XAPI-00008"],
      lambda: mutate(mutate(statement(), "actor.mbox"), "actor.MBOX", mbox()), "$.actor.MBOX"),
    C("enum-case-agent", ["XAPI-00009", "XAPI-00031"], m("actor.objectType", "agent"), "$.actor.objectType"),
    C("enum-case-activity", ["XAPI-00009", "XAPI-00046"], m("object.objectType", "activity"), "$.object.objectType"),
    C("enum-case-interaction", ["XAPI-00009", "XAPI-00049"],
      with_object(interaction("Choice", choices=components("a", "b"))), "$.object.definition.interactionType"),
    C("unknown-top-key", ["XAPI-00010"], m("mood", "happy"), "$.mood"),
    C("unknown-actor-key", ["XAPI-00010"], m("actor.age", 9), "$.actor.age"),
    C("unknown-verb-key", ["XAPI-00010"], m("verb.tense", "past"), "$.verb.tense"),
    C("unknown-result-key", ["XAPI-00010"], m("result.grade", "A"), "$.result.grade"),
    C("unknown-context-key", ["XAPI-00010"], m("context.weather", "sunny"), "$.context.weather"),
    C("verb-id-no-scheme", ["XAPI-00011", "XAPI-00044"], m("verb.id", "adlnet.gov/expapi/verbs/experienced"), "$.verb.id"),
    C("activity-id-no-scheme", ["XAPI-00011", "XAPI-00047"], m("object.id", "kakehashi.test/activity/1"), "$.object.id"),
    C("type-no-scheme", ["XAPI-00011", "XAPI-00060"], m("object.definition.type", "activities/lesson"),
      "$.object.definition.type"),
    C("lang-underscore", ["XAPI-00013", "XAPI-00121", "XAPI-00045"], m("verb.display", {"en_US": "experienced"}),
      "$.verb.display"),
    C("lang-space", ["XAPI-00013", "XAPI-00121", "XAPI-00056"],
      m("object.definition.name", {"not a tag": "x"}), "$.object.definition.name"),
    C("lang-digits", ["XAPI-00013", "XAPI-00121", "XAPI-00059"],
      m("object.definition.description", {"123": "x"}), "$.object.definition.description"),
    C("lang-long-subtag", ["XAPI-00013", "XAPI-00121"],
      m("verb.display", {"en-toolongsubtag": "x"}), "$.verb.display"),
    # 2.4 statement properties
    C("timestamp-text", ["XAPI-00022", "XAPI-00123"], m("timestamp", "not a timestamp"), "$.timestamp"),
    C("timestamp-date-only-us", ["XAPI-00022", "XAPI-00123"], m("timestamp", "01/011/2015"), "$.timestamp"),
    C("timestamp-offset-00", ["XAPI-00123"], m("timestamp", "2008-09-15T15:53:00.601-00"), "$.timestamp"),
    C("timestamp-offset-0000", ["XAPI-00123"], m("timestamp", "2008-09-15T15:53:00.601-0000"), "$.timestamp"),
    C("timestamp-offset-00-00", ["XAPI-00123"], m("timestamp", "2008-09-15T15:53:00.601-00:00"), "$.timestamp"),
    C("timestamp-month-13", ["XAPI-00022", "XAPI-00123"], m("timestamp", "2015-13-01T00:00:00Z"), "$.timestamp"),
    C("substatement-timestamp", ["XAPI-00123", "XAPI-00066"],
      with_object(substatement(timestamp="should fail")), "$.object.timestamp"),
    C("authority-activity", ["XAPI-00024"], m("authority", {"objectType": "Activity", "id": activity_id()}),
      "$.authority"),
    C("authority-string", ["XAPI-00024"], m("authority", "admin"), "$.authority"),
    C("attachments-object", ["XAPI-00025"], m("attachments", {"usageType": "http://example.org/u"}), "$.attachments"),
    C("attachments-strings", ["XAPI-00025"], m("attachments", ["file.pdf"]), "$.attachments[0]"),
    C("id-not-uuid", ["XAPI-00027"], m("id", "not-a-uuid"), "$.id"),
    C("id-too-short", ["XAPI-00027", "XAPI-00030"], m("id", "12345678-1234-1234-1234-1234567890"), "$.id"),
    C("id-number", ["XAPI-00028", "XAPI-00006"], m("id", 12345), "$.id"),
    C("id-braces", ["XAPI-00029"], lambda: mutate(statement(), "id", "{" + uid() + "}"), "$.id"),
    C("id-no-hyphens", ["XAPI-00029"], lambda: mutate(statement(), "id", uid().replace("-", "")), "$.id"),
    C("id-not-hex", ["XAPI-00030"], m("id", "zzzzzzzz-zzzz-4zzz-8zzz-zzzzzzzzzzzz"), "$.id"),
    C("registration-not-hex", ["XAPI-00030", "XAPI-00087"],
      m("context.registration", "g0000000-0000-4000-8000-000000000000"), "$.context.registration"),
    # 2.4.2 actor
    C("actor-type-activity", ["XAPI-00031"], m("actor.objectType", "Activity"), "$.actor.objectType"),
    C("actor-type-number", ["XAPI-00032", "XAPI-00006"], m("actor.objectType", 1), "$.actor.objectType"),
    C("actor-name-number", ["XAPI-00033", "XAPI-00006"], m("actor.name", 123), "$.actor.name"),
    C("agent-no-ifi", ["XAPI-00034"], m("actor", {"objectType": "Agent", "name": "誰か"}), "$.actor"),
    C("agent-two-ifis", ["XAPI-00034"], m("actor.openid", "http://openid.example.org/12345"), "$.actor"),
    C("agent-with-member", ["XAPI-00035"], m("actor.member", [agent()]), "$.actor.member"),
    C("object-agent-with-member", ["XAPI-00035"], with_object({"objectType": "Agent", "mbox": mbox(),
                                                              "member": [agent()]}), "$.object.member"),
    C("member-object", ["XAPI-00036"], m("actor", group(members=agent())), "$.actor.member"),
    C("member-invalid-agent", ["XAPI-00036"], m("actor", group(members=[{"objectType": "Agent", "name": "x"}])),
      "$.actor.member[0]"),
    C("member-group", ["XAPI-00036"], m("actor", group(members=[group(members=[agent()])])), "$.actor.member[0]"),
    C("group-two-ifis", ["XAPI-00037"], m("actor", group(members=[agent()], mbox=mbox(),
                                                        openid="http://openid.example.org/g")), "$.actor"),
    C("anonymous-group-no-member", ["XAPI-00037"], m("actor", group()), "$.actor"),
    C("anonymous-group-empty-member", ["XAPI-00037"], m("actor", group(members=[])), "$.actor.member"),
    C("mbox-no-mailto", ["XAPI-00038"], m("actor.mbox", "student@example.org"), "$.actor.mbox"),
    C("mbox-only-mailto", ["XAPI-00038"], m("actor.mbox", "mailto:"), "$.actor.mbox"),
    C("team-mbox-no-mailto", ["XAPI-00038", "XAPI-00088"],
      m("context.team", group(members=[agent()], mbox="team@example.org")), "$.context.team.mbox"),
    C("sha1-number", ["XAPI-00039"], m("actor", {"objectType": "Agent", "mbox_sha1sum": 1234}), "$.actor.mbox_sha1sum"),
    C("sha1-not-hex", ["XAPI-00039", "XAPI-00007"],
      m("actor", {"objectType": "Agent", "mbox_sha1sum": "not-a-sha1-hash"}), "$.actor.mbox_sha1sum"),
    C("openid-not-uri", ["XAPI-00040"], m("actor", {"objectType": "Agent", "openid": "not a uri"}), "$.actor.openid"),
    C("account-string", ["XAPI-00041"], m("actor", {"objectType": "Agent", "account": "student1"}), "$.actor.account"),
    C("account-array", ["XAPI-00041"], m("actor", {"objectType": "Agent", "account": [
        {"homePage": "https://kakehashi.test", "name": "a"}]}), "$.actor.account"),
    C("account-no-homepage", ["XAPI-00042"], m("actor", {"objectType": "Agent", "account": {"name": "a"}}),
      "$.actor.account.homePage"),
    C("account-homepage-not-irl", ["XAPI-00042"],
      m("actor", {"objectType": "Agent", "account": {"homePage": "kakehashi", "name": "a"}}), "$.actor.account.homePage"),
    C("account-no-name", ["XAPI-00043"],
      m("actor", {"objectType": "Agent", "account": {"homePage": "https://kakehashi.test"}}), "$.actor.account.name"),
    C("account-name-number", ["XAPI-00043"],
      m("actor", {"objectType": "Agent", "account": {"homePage": "https://kakehashi.test", "name": 7}}),
      "$.actor.account.name"),
    # 2.4.3 verb
    C("verb-no-id", ["XAPI-00044"], m("verb.id"), "$.verb.id"),
    C("verb-id-not-iri", ["XAPI-00044"], m("verb.id", "experienced"), "$.verb.id"),
    C("verb-id-bad-scheme", ["XAPI-00044", "XAPI-00011"], m("verb.id", "ab=c://should.fail.com"), "$.verb.id"),
    C("verb-display-bad-primary-tag", ["XAPI-00045", "XAPI-00121"], m("verb.display", {"a12345": "attended"}),
      "$.verb.display"),
    C("substatement-verb-no-id", ["XAPI-00044", "XAPI-00066"],
      with_object(substatement(verb={"display": {"en-US": "x"}})), "$.object.verb.id"),
    C("verb-display-string", ["XAPI-00045"], m("verb.display", "experienced"), "$.verb.display"),
    C("verb-display-value-number", ["XAPI-00045"], m("verb.display", {"en-US": 1}), "$.verb.display"),
    # 2.4.4 object
    C("object-type-unknown", ["XAPI-00046"], m("object.objectType", "Lesson"), "$.object.objectType"),
    C("activity-no-id", ["XAPI-00047"], m("object.id"), "$.object.id"),
    C("activity-id-not-iri", ["XAPI-00047"], m("object.id", "lesson one"), "$.object.id"),
    C("definition-string", ["XAPI-00048"], m("object.definition", "A lesson"), "$.object.definition"),
    C("definition-array", ["XAPI-00048"], m("object.definition", [{"name": {"en-US": "x"}}]), "$.object.definition"),
    C("interaction-type-unknown", ["XAPI-00049"], with_object(interaction("essay")),
      "$.object.definition.interactionType"),
    C("interaction-type-number", ["XAPI-00049"], with_object(interaction(3)), "$.object.definition.interactionType"),
    C("crp-string", ["XAPI-00050"], with_object(interaction("fill-in", correctResponsesPattern="a")),
      "$.object.definition.correctResponsesPattern"),
    C("crp-numbers", ["XAPI-00050"], with_object(interaction("numeric", correctResponsesPattern=[1, 2])),
      "$.object.definition.correctResponsesPattern"),
    C("steps-object", ["XAPI-00051"], with_object(interaction("performance", steps={"id": "s1"})),
      "$.object.definition.steps"),
    C("steps-no-id", ["XAPI-00051", "XAPI-00058"], with_object(interaction(
        "performance", steps=[{"description": {"en-US": "step"}}])), "$.object.definition.steps[0]"),
    C("target-object", ["XAPI-00052"], with_object(interaction("matching", source=components("a"), target={"id": "t"})),
      "$.object.definition.target"),
    C("target-not-components", ["XAPI-00052", "XAPI-00063"], with_object(interaction(
        "matching", source=components("a"), target=["t1"])), "$.object.definition.target[0]"),
    C("source-object", ["XAPI-00053"], with_object(interaction("matching", source={"id": "s"}, target=components("t"))),
      "$.object.definition.source"),
    C("scale-object", ["XAPI-00054"], with_object(interaction("likert", scale={"id": "1"})), "$.object.definition.scale"),
    C("scale-duplicate-id", ["XAPI-00054", "XAPI-00058"], with_object(interaction("likert", scale=components("1", "1"))),
      "$.object.definition.scale"),
    C("choices-object", ["XAPI-00055"], with_object(interaction("choice", choices={"id": "a"})),
      "$.object.definition.choices"),
    C("choices-id-number", ["XAPI-00055", "XAPI-00058"],
      with_object(interaction("choice", choices=[{"id": 1, "description": {"en-US": "one"}}])),
      "$.object.definition.choices[0].id"),
    C("choices-duplicate-id", ["XAPI-00058"], with_object(interaction("choice", choices=components("a", "b", "a"))),
      "$.object.definition.choices"),
    C("choices-strings", ["XAPI-00063", "XAPI-00055"], with_object(interaction("choice", choices=["a", "b"])),
      "$.object.definition.choices[0]"),
    C("component-description-string", ["XAPI-00062"],
      with_object(interaction("choice", choices=[{"id": "a", "description": "A"}])),
      "$.object.definition.choices[0].description"),
    C("component-description-bad-lang", ["XAPI-00062", "XAPI-00121"],
      with_object(interaction("sequencing", choices=[{"id": "a", "description": {"en_US": "A"}}])),
      "$.object.definition.choices[0].description"),
    C("name-string", ["XAPI-00056"], m("object.definition.name", "Kanji drill"), "$.object.definition.name"),
    C("definition-extensions-array", ["XAPI-00057", "XAPI-00120"], m("object.definition.extensions", ["x"]),
      "$.object.definition.extensions"),
    C("definition-extensions-string", ["XAPI-00057", "XAPI-00120"], m("object.definition.extensions", "x"),
      "$.object.definition.extensions"),
    C("description-string", ["XAPI-00059"], m("object.definition.description", "desc"),
      "$.object.definition.description"),
    C("type-not-iri", ["XAPI-00060"], m("object.definition.type", "lesson"), "$.object.definition.type"),
    C("moreinfo-not-irl", ["XAPI-00061"], m("object.definition.moreInfo", "more info"),
      "$.object.definition.moreInfo"),
    C("crp-without-interaction-type", ["XAPI-00064"],
      lambda: mutate(statement(obj=interaction("choice", choices=components("a"))), "object.definition.interactionType"),
      "$.object.definition"),
    C("object-agent-no-type", ["XAPI-00065"], with_object({"mbox": mbox(), "name": "x"}), "$.object"),
    C("object-group-no-type", ["XAPI-00065"], with_object({"member": [agent()], "name": "班"}), "$.object"),
    C("substatement-bad-actor", ["XAPI-00066", "XAPI-00034"],
      with_object(substatement(actor={"objectType": "Agent", "name": "x"})), "$.object.actor"),
    C("substatement-no-verb", ["XAPI-00066", "XAPI-00004"], with_object(substatement(verb=DELETE)), "$.object.verb"),
    C("substatement-bad-result", ["XAPI-00066", "XAPI-00083"],
      with_object(substatement(result={"score": {"scaled": 2}})), "$.object.result.score.scaled"),
    C("substatement-authority", ["XAPI-00067"], with_object(substatement(authority=agent())), "$.object.authority"),
    C("substatement-version", ["XAPI-00068"], with_object(substatement(version="1.0.0")), "$.object.version"),
    C("substatement-stored", ["XAPI-00069"], with_object(substatement(stored="2026-04-01T09:00:00Z")), "$.object.stored"),
    C("substatement-id", ["XAPI-00070"], with_object(substatement(id=uid())), "$.object.id"),
    C("substatement-nested", ["XAPI-00071"], with_object(substatement(object=substatement())), "$.object.object"),
    C("statementref-bad-id", ["XAPI-00072"], with_object({"objectType": "StatementRef", "id": "not-a-uuid"}),
      "$.object.id"),
    C("statementref-no-id", ["XAPI-00072"], with_object({"objectType": "StatementRef"}), "$.object.id"),
    C("statementref-no-type", ["XAPI-00073"], lambda: mutate(statement(), "object", {"id": uid()}), "$.object"),
    C("substatement-no-type", ["XAPI-00073"], with_object(substatement(objectType=DELETE)), "$.object"),
    # 2.4.5 result
    C("success-string", ["XAPI-00074", "XAPI-00006"], m("result.success", "true"), "$.result.success"),
    C("completion-string", ["XAPI-00075"], m("result.completion", "yes"), "$.result.completion"),
    C("response-number", ["XAPI-00076"], m("result.response", 42), "$.result.response"),
    C("duration-text", ["XAPI-00077", "XAPI-00124"], m("result.duration", "ten minutes"), "$.result.duration"),
    C("duration-no-unit", ["XAPI-00077", "XAPI-00124"], m("result.duration", "PT1.5"), "$.result.duration"),
    C("duration-time-point-form", ["XAPI-00124"], m("result.duration", "P0000-00-01T00:00:00"), "$.result.duration"),
    C("result-extensions-string", ["XAPI-00078", "XAPI-00120"], m("result.extensions", "x"), "$.result.extensions"),
    C("result-extensions-array", ["XAPI-00078", "XAPI-00120"], m("result.extensions", [1]), "$.result.extensions"),
    C("score-string", ["XAPI-00079"], m("result.score", "100"), "$.result.score"),
    C("score-array", ["XAPI-00079"], m("result.score", [0.5]), "$.result.score"),
    C("max-below-min", ["XAPI-00080", "XAPI-00081"], m("result.score", {"min": 10, "max": 5}), "$.result.score"),
    C("max-string", ["XAPI-00080"], m("result.score", {"max": "10"}), "$.result.score.max"),
    C("min-string", ["XAPI-00081"], m("result.score", {"min": "0"}), "$.result.score.min"),
    C("raw-above-max", ["XAPI-00082"], m("result.score", {"raw": 11, "min": 0, "max": 10}), "$.result.score.raw"),
    C("raw-below-min", ["XAPI-00082"], m("result.score", {"raw": -1, "min": 0, "max": 10}), "$.result.score.raw"),
    C("raw-string", ["XAPI-00082"], m("result.score", {"raw": "5"}), "$.result.score.raw"),
    C("scaled-above-1", ["XAPI-00083"], m("result.score.scaled", 1.5), "$.result.score.scaled"),
    C("scaled-below-minus-1", ["XAPI-00083"], m("result.score.scaled", -1.01), "$.result.score.scaled"),
    C("scaled-string", ["XAPI-00083"], m("result.score.scaled", "0.5"), "$.result.score.scaled"),
    # 2.4.6 context
    C("revision-with-agent-object", ["XAPI-00084"],
      lambda: mutate(mutate(base(), "object", agent()), "context", {"revision": "r1"}), "$.context.revision"),
    C("platform-with-agent-object", ["XAPI-00085"],
      lambda: mutate(mutate(base(), "object", agent()), "context", {"platform": "Kakehashi"}), "$.context.platform"),
    C("platform-with-statementref-object", ["XAPI-00085"],
      lambda: mutate(mutate(base(), "object", {"objectType": "StatementRef", "id": uid()}), "context",
                     {"platform": "Kakehashi"}), "$.context.platform"),
    C("context-activities-string", ["XAPI-00086"], m("context.contextActivities", "parent"),
      "$.context.contextActivities"),
    C("context-activities-array", ["XAPI-00086"], m("context.contextActivities", [activity()]),
      "$.context.contextActivities"),
    C("registration-not-uuid", ["XAPI-00087"], m("context.registration", "registration-1"), "$.context.registration"),
    C("instructor-no-ifi", ["XAPI-00087"], m("context.instructor", {"objectType": "Agent", "name": "先生"}),
      "$.context.instructor"),
    C("instructor-string", ["XAPI-00087"], m("context.instructor", "先生"), "$.context.instructor"),
    C("team-agent", ["XAPI-00088"], m("context.team", agent()), "$.context.team"),
    C("team-string", ["XAPI-00088"], m("context.team", "班 A"), "$.context.team"),
    C("revision-number", ["XAPI-00089"], m("context.revision", 1), "$.context.revision"),
    C("platform-number", ["XAPI-00090"], m("context.platform", 1), "$.context.platform"),
    C("language-invalid", ["XAPI-00091"], m("context.language", "not a language"), "$.context.language"),
    C("language-number", ["XAPI-00091"], m("context.language", 17), "$.context.language"),
    C("context-statement-activity", ["XAPI-00092"],
      m("context.statement", {"objectType": "Activity", "id": activity_id()}), "$.context.statement"),
    C("context-statement-bad-id", ["XAPI-00092"],
      m("context.statement", {"objectType": "StatementRef", "id": "not-a-uuid"}), "$.context.statement.id"),
    C("context-activities-bad-key", ["XAPI-00093"],
      m("context.contextActivities", {"parents": [activity()]}), "$.context.contextActivities.parents"),
    C("context-activities-key-case", ["XAPI-00093", "XAPI-00008"],
      m("context.contextActivities", {"Parent": [activity()]}), "$.context.contextActivities.Parent"),
    C("context-activities-value-string", ["XAPI-00094"],
      m("context.contextActivities", {"parent": ["http://kakehashi.test/a"]}), "$.context.contextActivities.parent[0]"),
    C("context-activities-value-agent", ["XAPI-00094"],
      m("context.contextActivities", {"category": [agent()]}), "$.context.contextActivities.category[0]"),
    C("context-activities-value-bad-id", ["XAPI-00094", "XAPI-00047"],
      m("context.contextActivities", {"grouping": {"id": "not an iri"}}), "$.context.contextActivities.grouping"),
    # 2.4.9 authority, 2.4.10 version
    C("authority-group-three", ["XAPI-00098", "XAPI-00100"],
      m("authority", group(members=[agent(), agent(), agent()])), "$.authority"),
    C("authority-group-one", ["XAPI-00098"], m("authority", group(members=[agent()])), "$.authority"),
    C("version-0.9", ["XAPI-00101"], m("version", "0.9"), "$.version"),
    C("version-1.1.0", ["XAPI-00101"], m("version", "1.1.0"), "$.version"),
    C("version-3.0.0", ["XAPI-00101"], m("version", "3.0.0"), "$.version"),
    C("version-text", ["XAPI-00101"], m("version", "latest"), "$.version"),
    C("version-number", ["XAPI-00101", "XAPI-00006"], m("version", 1.0), "$.version"),
    # 4.1 extensions
    C("context-extension-key-not-iri", ["XAPI-00118"], m("context.extensions", {"school": "第一小学校"}),
      "$.context.extensions"),
    C("result-extension-key-not-iri", ["XAPI-00118"], m("result.extensions", {"attempt": 1}), "$.result.extensions"),
    C("definition-extension-key-not-iri", ["XAPI-00118"], m("object.definition.extensions", {"grade": [3]}),
      "$.object.definition.extensions"),
    C("context-extensions-array", ["XAPI-00120"], m("context.extensions", [{"http://kakehashi.test/x": 1}]),
      "$.context.extensions"),
    # 2.3.2 voiding
    C("voiding-activity-object", ["XAPI-00017", "XAPI-00019", "XAPI-00020"],
      lambda: statement(verb_=verb(VOIDED, **{"en-US": "voided"})), "$.object"),
    C("voiding-agent-object", ["XAPI-00017", "XAPI-00020"],
      lambda: statement(verb_=verb(VOIDED, **{"en-US": "voided"}), obj=agent()), "$.object"),
]


@pytest.mark.parametrize("build, path", INVALID)
def test_invalid_statement_is_rejected(lrs, build, path):
    stmt = build()
    r = lrs.post_statements(stmt)
    expect_status(r, 400, f"a POST of an invalid statement ({path})")


@pytest.mark.requirement("KAKEHASHI-ERROR-PATH")
@pytest.mark.parametrize("build, path", [p for p in INVALID if p.values[1] and p.id in {
    "null-actor-name", "no-verb", "empty-mbox", "mbox-no-mailto", "agent-two-ifis", "account-no-homepage",
    "verb-no-id", "lang-underscore", "activity-id-not-iri", "interaction-type-unknown", "choices-id-number",
    "scaled-above-1", "raw-above-max", "registration-not-uuid", "duration-text", "timestamp-text", "id-not-uuid",
    "context-activities-bad-key", "substatement-authority", "version-1.1.0", "context-extension-key-not-iri",
}])
def test_error_body_names_the_json_path(lrs, build, path):
    r = lrs.post_statements(build())
    expect_status(r, 400, f"a POST of an invalid statement ({path})")
    assert path in r.text, f"expected the 400 body to name the JSON path {path!r}; got {r.text[:500]!r}"


@pytest.mark.requirement("KAKEHASHI-ERROR-PATH")
def test_error_body_names_the_path_on_put(lrs):
    s = mutate(statement(), "actor.mbox", "student@example.org")
    r = lrs.put_statement(s)
    expect_status(r, 400, "a PUT of a statement whose mbox lacks mailto:")
    assert "$.actor.mbox" in r.text, f"expected the 400 body to name $.actor.mbox; got {r.text[:500]!r}"


# --- the raw-body cases ---------------------------------------------------------------------------

@pytest.mark.requirement("XAPI-00014")
@pytest.mark.parametrize("body", ['{"actor": ', "actor=someone", '{"actor": {"mbox": "mailto:a@example.org"},}', ""],
                         ids=["truncated", "form-encoded", "trailing-comma", "empty"])
def test_malformed_json_is_rejected(lrs, body):
    r = lrs.request("POST", "statements", data=body.encode(), content_type="application/json")
    expect_status(r, 400, f"a POST whose body is not well-formed JSON ({body!r})")


@pytest.mark.requirement("XAPI-00021")
def test_duplicate_key_is_rejected(lrs):
    s = statement()
    body = json.dumps(s)[:-1] + ', "verb": {"id": "http://adlnet.gov/expapi/verbs/attempted", "display": {"en-US": "attempted"}}}'
    r = lrs.request("POST", "statements", data=body.encode(), content_type="application/json")
    expect_status(r, 400, "a statement with the key \"verb\" twice")
    assert lrs.get_statement(s["id"]).status_code == 404, "a rejected statement with a duplicate key must not be stored"


@pytest.mark.requirement("XAPI-00006", "XAPI-00010")
@pytest.mark.parametrize("body", ["[1, 2]", '"a statement"', "42", "[[]]", "{}"],
                         ids=["array-of-numbers", "string", "number", "nested-array", "empty-object"])
def test_non_statement_json_is_rejected(lrs, body):
    r = lrs.request("POST", "statements", data=body.encode(), content_type="application/json")
    expect_status(r, 400, f"a POST of JSON that is not a statement or an array of statements ({body})")


# --- what must be accepted ------------------------------------------------------------------------

def V(case_id, reqs, build):
    return pytest.param(build, id=case_id, marks=[req(*reqs)])


def all_interactions():
    return [
        interaction("true-false", correctResponsesPattern=["true"]),
        interaction("choice", choices=components("a", "b", "c"), correctResponsesPattern=["a[,]b"]),
        interaction("fill-in", correctResponsesPattern=["{case_matters=false}架け橋"]),
        interaction("long-fill-in", correctResponsesPattern=["{lang=ja}学校"]),
        interaction("matching", source=components("s1", "s2"), target=components("t1", "t2"),
                    correctResponsesPattern=["s1[.]t1[,]s2[.]t2"]),
        interaction("performance", steps=components("1", "2"), correctResponsesPattern=["1[.]a[,]2[.]b"]),
        interaction("sequencing", choices=components("a", "b"), correctResponsesPattern=["a[,]b"]),
        interaction("likert", scale=components("1", "2", "3"), correctResponsesPattern=["2"]),
        interaction("numeric", correctResponsesPattern=["4[:]6"]),
        interaction("other", correctResponsesPattern=["(35.937432,-86.868896)"]),
    ]


VALID = [
    V("minimal", ["XAPI-00003", "XAPI-00004", "XAPI-00005"], lambda: statement()),
    V("full", ["XAPI-00086", "XAPI-00093", "XAPI-00089", "XAPI-00090", "XAPI-00091", "XAPI-00092"], base),
    V("mbox-sha1sum", ["XAPI-00034", "XAPI-00039"],
      lambda: statement(actor={"objectType": "Agent", "mbox_sha1sum": hashlib.sha1(mbox().encode()).hexdigest()})),
    V("openid", ["XAPI-00034", "XAPI-00040"],
      lambda: statement(actor={"objectType": "Agent", "openid": f"http://openid.example.org/{uid()}"})),
    V("account", ["XAPI-00034", "XAPI-00041", "XAPI-00042", "XAPI-00043"], lambda: statement(actor=account_agent())),
    V("agent-without-objecttype", ["XAPI-00031"], lambda: statement(actor={"mbox": mbox()})),
    V("identified-group", ["XAPI-00037", "XAPI-00036"], lambda: statement(actor=group(members=[agent()], mbox=mbox()))),
    V("identified-group-no-members", ["XAPI-00037"], lambda: statement(actor=group(account={
        "homePage": "https://kakehashi.test", "name": "class-" + uid()}))),
    V("anonymous-group", ["XAPI-00037", "XAPI-00036"], lambda: statement(actor=group(members=[agent(), account_agent()]))),
    V("agent-object", ["XAPI-00065", "XAPI-00046"], lambda: statement(obj=agent())),
    V("group-object", ["XAPI-00065", "XAPI-00046"], lambda: statement(obj=group(members=[agent()]))),
    V("statementref-object", ["XAPI-00072", "XAPI-00073"],
      lambda: statement(obj={"objectType": "StatementRef", "id": uid()})),
    V("substatement-object", ["XAPI-00066", "XAPI-00073"], lambda: statement(obj=substatement(
        result={"success": True}, context={"registration": uid(), "platform": "Kakehashi"},
        timestamp="2026-04-01T09:00:00Z"))),
    V("activity-without-objecttype", ["XAPI-00046", "XAPI-00047"],
      lambda: statement(obj={"id": activity_id()})),
    V("activity-without-definition", ["XAPI-00048"], lambda: statement(obj={"objectType": "Activity", "id": activity_id()})),
    V("definition-moreinfo-extensions", ["XAPI-00057", "XAPI-00061"], lambda: statement(obj=activity(
        name={"ja-JP": "単元テスト"}, moreInfo="https://kakehashi.test/units/1",
        extensions={"https://w3id.org/japan-xapi/extensions/grade": ["3"]}))),
    V("context-activities-single-objects", ["XAPI-00094", "XAPI-00096"],
      lambda: mutate(statement(), "context", {"contextActivities": {"parent": activity(), "grouping": activity()}})),
    # Empty objects are a sender's SHOULD NOT (Data 2.2.s2.b1); the LRS must reject nulls
    # (2.2.s4.b1.b1), and XAPI-00095 (empty contextActivities) was removed by the ADL suite.
    # Kakehashi keeps such statements rather than lose a batch (see requirements.py, XAPI-00001).
    V("empty-definition-kept", ["XAPI-00048"], lambda: mutate(statement(), "object.definition", {})),
    V("empty-result-kept", ["XAPI-00001"], lambda: mutate(statement(), "result", {})),
    V("context-activities-empty-kept", ["XAPI-00001"], lambda: mutate(statement(), "context", {"contextActivities": {}})),
    V("score-bounds-equal", ["XAPI-00080", "XAPI-00081", "XAPI-00082"],
      lambda: mutate(statement(), "result", {"score": {"raw": 5, "min": 5, "max": 5}})),
    V("score-scaled-limits", ["XAPI-00083"],
      lambda: mutate(statement(), "result", {"score": {"scaled": -1}})),
    V("score-scaled-one", ["XAPI-00083"], lambda: mutate(statement(), "result", {"score": {"scaled": 1}})),
    V("score-decimals", ["XAPI-00080", "XAPI-00082"],
      lambda: mutate(statement(), "result", {"score": {"raw": 2.5, "min": -3.25, "max": 7.75}})),
    V("result-booleans-false", ["XAPI-00074", "XAPI-00075"],
      lambda: mutate(statement(), "result", {"success": False, "completion": False, "response": ""})),
    V("extension-values-null-empty", ["XAPI-00119"], lambda: mutate(statement(), "result", {"extensions": {
        "http://kakehashi.test/xapi/ext/null": None, "http://kakehashi.test/xapi/ext/empty": "",
        "http://kakehashi.test/xapi/ext/object": {}, "http://kakehashi.test/xapi/ext/list": []}})),
    V("extension-in-context-null", ["XAPI-00119", "XAPI-00118"],
      lambda: mutate(statement(), "context", {"extensions": {"urn:kakehashi:ext:note": None}})),
    V("durations", ["XAPI-00077", "XAPI-00124"], lambda: mutate(statement(), "result", {"duration": "P1DT2H3M4.5S"})),
    V("duration-weeks", ["XAPI-00124"], lambda: mutate(statement(), "result", {"duration": "P2W"})),
    V("duration-fine-precision", ["XAPI-00124"], lambda: mutate(statement(), "result", {"duration": "PT0.123456S"})),
    V("timestamp-offset", ["XAPI-00022", "XAPI-00123"], lambda: statement(timestamp="2026-04-01T18:00:00.123+09:00")),
    V("timestamp-nanoseconds", ["XAPI-00122", "XAPI-00123"], lambda: statement(timestamp="2026-04-01T09:00:00.123456789Z")),
    V("timestamp-no-fraction", ["XAPI-00123"], lambda: statement(timestamp="2026-04-01T09:00:00Z")),
    V("version-1.0.0", ["XAPI-00101"], lambda: statement(version="1.0.0")),
    V("authority-agent", ["XAPI-00024"], lambda: statement(authority=agent(name="認証"))),
    V("attachments-empty-array-not-used", ["XAPI-00025"], lambda: statement()),
    V("language-tags", ["XAPI-00013", "XAPI-00121"], lambda: statement(verb_=verb(**{
        "ja-JP": "経験した", "en": "experienced", "zh-Hant-TW": "經歷", "sr-Latn-RS": "iskusio", "es-419": "experimentó",
        "de-CH-1901": "erfahren"}))),
    V("non-ascii", ["XAPI-00015"], lambda: statement(actor=agent(name="山田 花子 🌸"))),
    V("uuid-uppercase", ["XAPI-00027", "XAPI-00029"], lambda: statement(context={"registration": uid().upper()})),
    V("verb-without-display", ["XAPI-00044", "XAPI-00045"], lambda: statement(verb_={"id": ANSWERED})),
    V("urn-iri", ["XAPI-00011"], lambda: statement(obj={"objectType": "Activity", "id": "urn:kakehashi:activity:" + uid()})),
] + [V(f"interaction-{i['definition']['interactionType']}", ["XAPI-00049", "XAPI-00050", "XAPI-00051", "XAPI-00052",
                                                             "XAPI-00053", "XAPI-00054", "XAPI-00055", "XAPI-00058",
                                                             "XAPI-00062", "XAPI-00063", "XAPI-00064"],
       (lambda i=i: statement(obj=i))) for i in all_interactions()]


@pytest.mark.parametrize("build", VALID)
def test_valid_statement_is_accepted(lrs, build):
    stmt = build()
    r = lrs.post_statements(stmt)
    expect_status(r, 200, "a POST of a valid statement")


@pytest.mark.requirement("XAPI-00101", "XAPI-00332")
def test_statement_version_of_the_request_version_is_accepted_and_kept(lrs):
    version = "2.0.0" if lrs.v2 else "1.0.3"
    s = statement(version=version)
    lrs.store(s)
    got = lrs.fetch(s["id"])
    assert got.get("version") == version, f"expected the stored statement to keep version {version}; got {got.get('version')!r}"


@pytest.mark.requirement("XAPI-00001", "XAPI-00119")
def test_null_inside_extensions_is_kept(lrs):
    s = mutate(statement(), "result", {"extensions": {"http://kakehashi.test/xapi/ext/null": None}})
    lrs.store(s)
    got = lrs.fetch(s["id"])
    assert got["result"]["extensions"] == {"http://kakehashi.test/xapi/ext/null": None}, (
        f"expected the null extension value back unchanged; got {got.get('result')!r}")


@pytest.mark.requirement("XAPI-00015")
def test_utf8_text_round_trips(lrs):
    name = "架け橋 小学校 3年1組 — 𠮷野"
    s = statement(actor=agent(name=name), obj=activity(name={"ja-JP": name}))
    s["result"] = {"response": name}
    lrs.store(s)
    got = lrs.fetch(s["id"])
    assert got["actor"]["name"] == name and got["result"]["response"] == name, (
        f"expected the Japanese text back unchanged; got actor.name={got['actor'].get('name')!r}")


@pytest.mark.requirement("XAPI-00002")
def test_numbers_keep_at_least_single_precision(lrs):
    values = {"scaled": 0.123456789, "raw": 1234.5678, "min": -98765.4321, "max": 99999.99}
    s = mutate(statement(), "result", {"score": values})
    lrs.store(s)
    score = lrs.fetch(s["id"])["result"]["score"]
    for k, v in values.items():
        assert isinstance(score.get(k), (int, float)), f"expected score.{k} to come back as a number; got {score.get(k)!r}"
        assert abs(score[k] - v) <= abs(v) * 2 ** -23, (
            f"expected score.{k} = {v} kept to at least 32-bit float precision; got {score[k]!r}")


@pytest.mark.requirement("XAPI-00122")
def test_timestamp_keeps_millisecond_precision(lrs):
    sent = "2026-04-01T09:00:00.123456Z"
    s = statement(timestamp=sent)
    lrs.store(s)
    got = lrs.fetch(s["id"])["timestamp"]
    delta = abs((parse_timestamp(got) - parse_timestamp(sent)).total_seconds())
    assert delta < 0.001, f"expected the timestamp {sent} back to the millisecond; got {got!r}"
    frac = got.split(".")[1] if "." in got else ""
    digits = len(frac.rstrip("Z").split("+")[0].split("-")[0])
    assert digits >= 3, f"expected at least 3 decimals of seconds in the returned timestamp; got {got!r}"


@pytest.mark.requirement("XAPI-00330")
def test_statement_is_not_rewritten_to_an_older_form(lrs):
    s = base()
    lrs.store(s)
    got = lrs.fetch(s["id"], format="exact")
    for key in ("actor", "verb", "object", "result"):
        assert got[key] == s[key], f"expected {key} returned exactly as sent; sent {s[key]!r}, got {got[key]!r}"

