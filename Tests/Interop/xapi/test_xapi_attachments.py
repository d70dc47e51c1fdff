"""Attachments (xAPI Data 2.4.11, Communication 1.5) and signed statements (Data 2.6):
multipart/mixed requests with X-Experience-API-Hash parts, fileUrl-only attachments, the
multipart response of attachments=true, and JWS signatures made with `cryptography`.
"""

import json

import pytest

from .lrs import (Part, attachment_meta, expect_status, jws, multipart, mutate, parse_multipart,
                  signed_statement, statement, uid, verb)

req = pytest.mark.requirement


def with_attachment(text="漢字ドリルの答案です。", **meta):
    part = Part(text, content_type="text/plain; charset=utf-8")
    s = statement()
    s["attachments"] = [attachment_meta(part, **meta)]
    return s, part


def post_multipart(lrs, first, parts, method="POST", **kw):
    body, ctype = multipart(first, parts, **kw)
    if method == "PUT":
        return lrs.request("PUT", "statements", params={"statementId": first["id"]}, data=body, content_type=ctype)
    return lrs.request("POST", "statements", data=body, content_type=ctype)


@req("XAPI-00025", "XAPI-00132", "XAPI-00135")
@pytest.mark.parametrize("method", ["POST", "PUT"])
def test_multipart_statement_with_attachment_is_stored(lrs, method):
    s, part = with_attachment()
    r = post_multipart(lrs, s, [part], method=method)
    expect_status(r, 200 if method == "POST" else 204, f"a multipart/mixed {method} with one attachment")
    got = lrs.fetch(s["id"])
    assert got["attachments"] == s["attachments"], f"expected the attachment metadata back; got {got.get('attachments')}"


@req("XAPI-00025")
def test_batch_with_attachments_of_several_statements(lrs):
    a, pa = with_attachment("first")
    b, pb = with_attachment("second")
    body, ctype = multipart([a, b], [pa, pb])
    r = lrs.request("POST", "statements", data=body, content_type=ctype)
    expect_status(r, 200, "a multipart POST of two statements, each with an attachment")
    assert r.json() == [a["id"], b["id"]], f"expected both ids; got {r.text}"


@req("XAPI-00129")
def test_missing_attachment_part_is_rejected(lrs):
    s, _ = with_attachment()
    r = post_multipart(lrs, s, [])
    expect_status(r, 400, "a multipart POST whose attachment (without fileUrl) has no part")
    expect_status(lrs.get_statement(s["id"]), 404, "a GET of the rejected statement")


@req("XAPI-00129")
def test_attachment_without_file_url_in_plain_json_is_rejected(lrs):
    s, _ = with_attachment()
    expect_status(lrs.post_statements(s), 400, "an application/json POST of an attachment without fileUrl")


@req("XAPI-00132")
def test_part_with_a_hash_no_statement_names_is_rejected(lrs):
    s, part = with_attachment()
    wrong = Part(part.content, content_type=part.headers["Content-Type"], hash_="0" * 64)
    expect_status(post_multipart(lrs, s, [wrong]), 400, "a part whose X-Experience-API-Hash matches no sha2")


@req("XAPI-00132")
def test_part_without_hash_header_is_rejected(lrs):
    s, part = with_attachment()
    bare = Part(part.content, content_type=part.headers["Content-Type"], hash_=False)
    expect_status(post_multipart(lrs, s, [bare]), 400, "an attachment part without X-Experience-API-Hash")


@req("XAPI-00128")
def test_extra_part_is_rejected(lrs):
    s, part = with_attachment()
    extra = Part("not an attachment of the statement")
    expect_status(post_multipart(lrs, s, [part, extra]), 400, "a multipart POST with a part no statement declares")


@req("XAPI-00131")
def test_multipart_without_boundary_parameter_is_rejected(lrs):
    s, part = with_attachment()
    body, _ = multipart(s, [part])
    r = lrs.request("POST", "statements", data=body, content_type="multipart/mixed")
    expect_status(r, 400, "a multipart/mixed POST without a boundary parameter")


@req("XAPI-00130")
def test_multipart_with_wrong_boundary_is_rejected(lrs):
    s, part = with_attachment()
    body, _ = multipart(s, [part], boundary="the-real-boundary")
    r = lrs.request("POST", "statements", data=body, content_type="multipart/mixed; boundary=another-boundary")
    expect_status(r, 400, "a multipart/mixed POST whose parts are not delimited by the declared boundary")


@req("XAPI-00134")
@pytest.mark.parametrize("first_type", ["text/plain", None], ids=["text-plain", "no-content-type"])
def test_first_part_must_be_json(lrs, first_type):
    s, part = with_attachment()
    r = post_multipart(lrs, s, [part], first_type=first_type)
    expect_status(r, 400, f"a multipart POST whose first part has Content-Type {first_type}")


@req("XAPI-00133")
def test_statements_must_be_in_the_first_part(lrs):
    s, part = with_attachment()
    statement_part = Part(json.dumps(s), content_type="application/json", hash_=False, binary=False)
    body, ctype = multipart(part.content, [statement_part], first_type="text/plain; charset=utf-8")
    r = lrs.request("POST", "statements", data=body, content_type=ctype)
    expect_status(r, 400, "a multipart POST with the attachment first and the statement second")


@req("XAPI-00135")
def test_part_without_binary_transfer_encoding_is_rejected(lrs):
    s, part = with_attachment()
    plain = Part(part.content, content_type=part.headers["Content-Type"], binary=False)
    expect_status(post_multipart(lrs, s, [plain]), 400, "an attachment part without Content-Transfer-Encoding: binary")


@req("XAPI-00127")
@pytest.mark.parametrize("ctype", ["text/plain", "application/x-www-form-urlencoded", None])
def test_statement_content_type_must_be_json_or_multipart(lrs, ctype):
    s = statement()
    r = lrs.request("POST", "statements", data=json.dumps(s).encode(), content_type=ctype)
    expect_status(r, 400, f"a statement POST with Content-Type {ctype}")
    r = lrs.request("PUT", "statements", params={"statementId": s["id"]}, data=json.dumps(s).encode(), content_type=ctype)
    expect_status(r, 400, f"a statement PUT with Content-Type {ctype}")


@req("XAPI-00104", "XAPI-00129")
def test_file_url_only_attachment_is_accepted(lrs):
    s, _ = with_attachment(fileUrl="https://kakehashi.test/files/answer-sheet.pdf")
    expect_status(lrs.post_statements(s), 200, "an application/json POST of an attachment with only a fileUrl")
    got = lrs.fetch(s["id"])
    assert got["attachments"][0]["fileUrl"] == "https://kakehashi.test/files/answer-sheet.pdf", "expected the fileUrl kept"


def meta_case(case_id, reqs, path, value=None, delete=False):
    return pytest.param(path, value, delete, id=case_id, marks=[req(*reqs)])


@pytest.mark.parametrize("path, value, delete", [
    meta_case("no-length", ["XAPI-00102"], "length", delete=True),
    meta_case("length-string", ["XAPI-00102"], "length", "12"),
    meta_case("length-fraction", ["XAPI-00102"], "length", 1.5),
    meta_case("no-sha2", ["XAPI-00103"], "sha2", delete=True),
    meta_case("sha2-number", ["XAPI-00103"], "sha2", 12345),
    meta_case("file-url-not-irl", ["XAPI-00104"], "fileUrl", "answer sheet.pdf"),
    meta_case("no-content-type", ["XAPI-00105"], "contentType", delete=True),
    meta_case("content-type-not-media-type", ["XAPI-00105"], "contentType", "a pdf file"),
    meta_case("no-display", ["XAPI-00106"], "display", delete=True),
    meta_case("display-string", ["XAPI-00106"], "display", "Worksheet"),
    meta_case("display-bad-language", ["XAPI-00106", "XAPI-00121"], "display", {"en_US": "Worksheet"}),
    meta_case("no-usage-type", ["XAPI-00107"], "usageType", delete=True),
    meta_case("usage-type-not-iri", ["XAPI-00107"], "usageType", "worksheet"),
    meta_case("description-string", ["XAPI-00006"], "description", "free text"),
])
def test_invalid_attachment_metadata_is_rejected(lrs, path, value, delete):
    s, _ = with_attachment(fileUrl="https://kakehashi.test/files/" + uid())
    s = mutate(s, f"attachments.0.{path}") if delete else mutate(s, f"attachments.0.{path}", value)
    expect_status(lrs.post_statements(s), 400, f"an attachment with {path} {'missing' if delete else repr(value)}")


# --- retrieval ------------------------------------------------------------------------------------

@req("XAPI-00167", "XAPI-00161")
def test_get_with_attachments_true_returns_multipart(lrs):
    s, part = with_attachment("添付ファイルの本文 " + uid())
    expect_status(post_multipart(lrs, s, [part]), 200, "a multipart POST with one attachment")
    r = lrs.get_statement(s["id"], attachments=True)
    expect_status(r, 200, "a GET with attachments=true")
    parts = parse_multipart(r)
    assert len(parts) >= 2, f"expected the statement part and the attachment part; got {len(parts)} parts"
    head, body = parts[0]
    assert head.get("content-type", "").startswith("application/json"), f"expected the first part to be JSON; got {head}"
    assert json.loads(body)["id"] == s["id"], "expected the statement in the first part"
    hashes = {h.get("x-experience-api-hash"): b for h, b in parts[1:]}
    assert hashes.get(part.sha2) == part.content, (
        f"expected a part with X-Experience-API-Hash {part.sha2} holding the attachment; got hashes {list(hashes)}")
    attachment_head = next(h for h in (p[0] for p in parts[1:]) if h.get("x-experience-api-hash") == part.sha2)
    assert attachment_head.get("content-transfer-encoding", "").lower() == "binary", (
        f"expected Content-Transfer-Encoding: binary on the attachment part; got {attachment_head}")


@req("XAPI-00167")
def test_query_with_attachments_true_returns_multipart_statement_result(lrs):
    s, part = with_attachment("query " + uid())
    expect_status(post_multipart(lrs, s, [part]), 200, "a multipart POST with one attachment")
    r = lrs.get_statements(agent={"mbox": s["actor"]["mbox"]}, attachments=True)
    expect_status(r, 200, "a statement query with attachments=true")
    parts = parse_multipart(r)
    result = json.loads(parts[0][1])
    assert [x["id"] for x in result["statements"]] == [s["id"]], f"expected the one statement; got {result}"
    assert any(h.get("x-experience-api-hash") == part.sha2 and b == part.content for h, b in parts[1:]), (
        "expected the attachment part in the multipart StatementResult")


@req("XAPI-00161")
@pytest.mark.parametrize("attachments", [False, None], ids=["false", "absent"])
def test_get_without_attachments_returns_json_only(lrs, attachments):
    s, part = with_attachment()
    expect_status(post_multipart(lrs, s, [part]), 200, "a multipart POST with one attachment")
    r = lrs.get_statement(s["id"], attachments=attachments)
    expect_status(r, 200, f"a GET with attachments={attachments}")
    assert r.headers.get("Content-Type", "").split(";")[0].strip() == "application/json", (
        f"expected application/json without attachment data; got {r.headers.get('Content-Type')!r}")
    assert r.json()["attachments"][0]["sha2"] == part.sha2, "expected the attachment metadata in the statement"


# --- signed statements ----------------------------------------------------------------------------

@req("XAPI-00115", "XAPI-00117")
@pytest.mark.parametrize("x5c", [False, True], ids=["no-x5c", "x5c"])
@pytest.mark.parametrize("alg", ["RS256", "RS384", "RS512"])
def test_signed_statement_is_accepted(lrs, alg, x5c):
    s, part = signed_statement(statement(), alg=alg, x5c=x5c)
    r = post_multipart(lrs, s, [part])
    expect_status(r, 200, f"a statement signed with {alg} over its own JSON")
    got = lrs.get_statement(s["id"], attachments=True)
    expect_status(got, 200, "a GET with attachments=true of a signed statement")
    parts = parse_multipart(got)
    assert any(b == part.content for _, b in parts[1:]), "expected the signature to be stored and returned"


@req("XAPI-00116")
def test_signature_over_another_statement_is_rejected(lrs):
    s = statement()
    other = mutate(s, "verb", verb("http://adlnet.gov/expapi/verbs/failed", **{"en-US": "failed"}))
    signed, part = signed_statement(s, payload=other)
    expect_status(post_multipart(lrs, signed, [part]), 400, "a signed statement whose JWS payload is another statement")
    expect_status(lrs.get_statement(s["id"]), 404, "a GET of the rejected signed statement")


@req("XAPI-00116")
def test_signature_payload_not_json_is_rejected(lrs):
    s = statement()
    signed, part = signed_statement(s, payload=b"{this is not json")
    expect_status(post_multipart(lrs, signed, [part]), 400, "a signed statement whose JWS payload is not JSON")


@req("XAPI-00117")
@pytest.mark.parametrize("alg", ["HS256", "none"])
def test_signature_with_another_algorithm_is_rejected(lrs, alg):
    signed, part = signed_statement(statement(), alg=alg)
    expect_status(post_multipart(lrs, signed, [part]), 400, f"a signed statement whose JWS uses alg {alg}")


@req("XAPI-00117")
def test_signature_that_does_not_verify_against_its_x5c_is_rejected(lrs):
    s = statement()
    token = jws(s, x5c=True)
    head, payload, sig = token.split(".")
    broken = f"{head}.{payload}.{sig[:-4]}{'AAAA' if sig[-4:] != 'AAAA' else 'BBBB'}"
    signed, part = signed_statement(s, token=broken)
    expect_status(post_multipart(lrs, signed, [part]), 400, "a signed statement whose RS256 signature does not verify against its x5c certificate")


@req("XAPI-00115")
def test_signature_attachment_with_wrong_content_type_is_rejected(lrs):
    signed, part = signed_statement(statement(), content_type="text/plain; charset=ascii")
    expect_status(post_multipart(lrs, signed, [part]), 400, "a signature attachment that is not application/octet-stream")


@req("XAPI-00115")
def test_signature_attachment_that_is_not_a_jws_is_rejected(lrs):
    signed, part = signed_statement(statement(), token=b"not a JSON web signature")
    expect_status(post_multipart(lrs, signed, [part]), 400, "a signature attachment whose content is not a JWS")
