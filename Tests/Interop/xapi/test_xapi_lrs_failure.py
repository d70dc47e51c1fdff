"""A failure of the LRS itself (XAPI-00329): 500, with the version header every other answer
carries and a body that tells the client nothing of the LRS's insides; the LRS goes on serving.

The failure is a real one, made from outside: the test has a Kakehashi of its own
(`private_server`: its own data folder and SQLite file, never the session's shared server) and
drops the tables of statements and documents under the running server with Python's sqlite3."""

import re
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest
import requests

from .conftest import TENANT, create_credentials
from .lrs import LRS, STATE, TIMEOUT, VERSIONS, activity_id, describe, expect_status, new_document, statement

req = pytest.mark.requirement

# The LRS's tables of statements and of documents (State, Activity Profile, Agent Profile).
BROKEN_TABLES = ("lrs_statements", "lrs_documents")

# What a 500 body must not show: SQL, table names, the database file or other paths on the
# server, source locations, error types of the server's libraries or a stack trace.
LEAKS = re.compile(
    r"lrs_|sqlite|no such table|\b(?:select|insert|update|delete|drop|create)\b.*\b(?:from|into|set|table)\b"
    r"|\.swift\b|\b(?:Sources|\.build)/|/(?:tmp|home|root|usr|var|work|opt)/"
    r"|(?-i:\b[A-Z]\w*Error\b)|\b(?:FluentKit|SQLKit|SQLiteNIO|NIOCore|Vapor)\b"
    r"|Fatal error|Traceback|stack ?trace|backtrace|\b0x[0-9a-f]{6,}|^\s*#\d+\s",
    re.IGNORECASE | re.MULTILINE)


def break_storage(data_dir):
    """Drops BROKEN_TABLES from the server's SQLite file; returns the SQL that makes them (and
    their indexes) again."""
    with closing(sqlite3.connect(Path(data_dir) / "kakehashi.sqlite", timeout=30)) as db:
        marks = ", ".join("?" for _ in BROKEN_TABLES)
        schema = [sql for (sql,) in db.execute(
            f"SELECT sql FROM sqlite_master WHERE tbl_name IN ({marks}) AND sql IS NOT NULL "
            "ORDER BY type = 'index'", BROKEN_TABLES)]
        made = sum(sql.startswith("CREATE TABLE") for sql in schema)
        assert made == len(BROKEN_TABLES), f"expected the tables {BROKEN_TABLES} in the server's database; got {schema}"
        for table in BROKEN_TABLES:
            db.execute(f'DROP TABLE "{table}"')
        db.commit()
    return schema


def repair_storage(data_dir, schema):
    with closing(sqlite3.connect(Path(data_dir) / "kakehashi.sqlite", timeout=30)) as db:
        for sql in schema:
            db.execute(sql)
        db.commit()


def expect_lrs_failure(r, version, why, data_dir):
    expect_status(r, 500, why)
    assert r.headers.get("X-Experience-API-Version") == version, (
        f"expected X-Experience-API-Version {version} on the 500 answer to {why}; got {describe(r)}")
    text = r.text
    assert len(r.content) <= 512, f"expected a short 500 body for {why}; got {len(r.content)} bytes: {describe(r)}"
    assert str(data_dir) not in text and "kakehashi.sqlite" not in text, (
        f"the 500 body for {why} names the data folder or database file: {describe(r)}")
    leak = LEAKS.search(text)
    assert leak is None, f"the 500 body for {why} shows the LRS's insides ({leak.group(0)!r}): {describe(r)}"
    body = r.json()
    assert isinstance(body, dict) and body.get("error") and body.get("message"), (
        f"expected an xAPI error body {{error, message}} for {why}; got {describe(r)}")


@req("XAPI-00329")
@pytest.mark.parametrize("version", VERSIONS)
def test_a_failure_of_the_lrs_itself_is_500(version, private_server):
    server = private_server
    lrs = LRS(server.url("/xapi/"), *create_credentials(server, TENANT), version=version, server_base=server.base_url)
    params = STATE.params()
    kept = statement()
    # The LRS works before its storage breaks.
    expect_status(lrs.doc("PUT", STATE.path, params, new_document()), 204, "a State PUT before the fault")
    expect_status(lrs.doc("GET", STATE.path, params), 200, "a State GET before the fault")
    assert lrs.store(kept) == [kept["id"]]
    assert lrs.fetch(kept["id"])["id"] == kept["id"]

    schema = break_storage(server.data_dir)

    ids = {k: v for k, v in params.items() if k != STATE.id_param}
    failing = [
        ("a State PUT", lambda: lrs.doc("PUT", STATE.path, params, new_document())),
        ("a State POST", lambda: lrs.doc("POST", STATE.path, params, new_document())),
        ("a State GET", lambda: lrs.doc("GET", STATE.path, params)),
        ("a GET of the State ids", lambda: lrs.doc("GET", STATE.path, ids)),
        ("a State DELETE", lambda: lrs.doc("DELETE", STATE.path, params)),
        ("a statement POST", lambda: lrs.post_statements(statement())),
        ("a statement PUT", lambda: lrs.put_statement(statement())),
        ("a GET of a stored statement", lambda: lrs.get_statement(kept["id"])),
        ("a statement query", lambda: lrs.get_statements(verb=kept["verb"]["id"])),
    ]
    for why, send in failing:
        expect_lrs_failure(send(), version, f"{why} with the LRS's tables {BROKEN_TABLES} gone", server.data_dir)

    # One fault does not take the LRS down: it still answers what needs none of those tables…
    assert server.process.poll() is None, f"kakehashi serve exited {server.process.returncode}; see {server.log_path}"
    r = requests.get(server.url("/xapi/about"), headers={"X-Experience-API-Version": version}, timeout=TIMEOUT)
    expect_status(r, 200, "GET /xapi/about after the failures")
    assert r.headers.get("X-Experience-API-Version") == version, f"expected the version header; got {describe(r)}"
    aid = activity_id()
    r = expect_status(lrs.request("GET", "activities", params={"activityId": aid}), 200,
                      "GET /xapi/activities after the failures")
    assert r.json()["id"] == aid, f"expected the Activity {aid}; got {describe(r)}"
    # …and serves all again once its storage is back.
    repair_storage(server.data_dir, schema)
    expect_status(lrs.doc("PUT", STATE.path, params, new_document()), 204, "a State PUT after the repair")
    expect_status(lrs.doc("GET", STATE.path, params), 200, "a State GET after the repair")
    again = statement()
    assert lrs.store(again) == [again["id"]]
    assert lrs.fetch(again["id"])["id"] == again["id"]
