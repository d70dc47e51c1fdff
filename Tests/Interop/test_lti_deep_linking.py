"""Deep Linking 2.0: a teacher picks content in the pylti1p3 tool and it lands in the class.

The teacher opens Kakehashi's deep-link route for the class and the tool; the tool (pylti1p3)
validates the LtiDeepLinkingRequest and answers its auto-submitting form with one
ltiResourceLink carrying a line item (scoreMaximum 100, label テスト1). Posting it back with the
teacher's session creates the link in the class; a student then launches it.
"""

import secrets
from urllib.parse import urlsplit

import pytest
import requests

from conftest import TENANT
from conftest_lti import (
    AGS_CLAIM, DL_SETTINGS, INSTRUCTOR, LTI, class_launch_links, deep_link_path, deep_link_request,
    deep_link_return, describe, flip_last_char, launch_link, link_titled, unverified_jwt,
)


def fresh_title(kind):
    return f"漢字テスト ({kind} {secrets.token_hex(3)})"


def test_deep_linking_round_trip(server, lti_tool, lti_registration, lti_class, teacher_browser, student_browser):
    title = fresh_title("round trip")
    dl = deep_link_request(teacher_browser, server, lti_tool, lti_class.sourced_id, lti_registration.client_id,
                           title=title)
    p = dl.launch.login_params
    assert p["client_id"] == lti_registration.client_id and p["lti_deployment_id"] == lti_registration.deployment_id
    claims = dl.request_claims
    assert claims[LTI + "message_type"] == "LtiDeepLinkingRequest"
    assert claims[LTI + "version"] == "1.3.0"
    assert LTI + "resource_link" not in claims, "a deep linking request carries no resource_link"
    assert INSTRUCTOR in claims[LTI + "roles"]
    assert claims[LTI + "context"]["id"] == lti_class.sourced_id
    settings = claims[DL_SETTINGS]
    assert settings["deep_link_return_url"] == server.url("/lti/deep-linking/return"), settings
    assert "ltiResourceLink" in settings["accept_types"], settings
    assert settings["accept_presentation_document_targets"], settings
    assert settings.get("accept_lineitem") in (True, None), settings

    # What pylti1p3 sends back.
    header, response_claims = unverified_jwt(dl.fields["JWT"])
    assert header.get("kid") and response_claims["iss"] == lti_registration.client_id
    items = response_claims["https://purl.imsglobal.org/spec/lti-dl/claim/content_items"]
    assert items[0]["lineItem"] == {"scoreMaximum": 100, "label": "テスト1"}

    r = deep_link_return(teacher_browser, server, dl.fields)
    assert r.status_code == 303, f"deep linking return: {describe(r)}"
    assert urlsplit(r.headers["Location"]).path == f"/t/{TENANT}/classes/{lti_class.sourced_id}", r.headers["Location"]
    link = link_titled(teacher_browser, server, lti_class.sourced_id, title)

    # A student of the class launches the new link; the line item is coupled to it.
    data = launch_link(student_browser, server, lti_tool, link).json()
    assert data["claims"][LTI + "resource_link"]["id"] == link
    assert data["claims"][LTI + "resource_link"].get("title") == title
    assert data["claims"][LTI + "custom"].get("activity") == "kanji-1", data["claims"][LTI + "custom"]
    ags = data["claims"][AGS_CLAIM]
    assert ags.get("lineitem"), f"the link has exactly one line item, so the claim names it: {ags}"
    r = lti_tool.call("/lineitems", {"launch_id": data["launch_id"]})
    assert r.status_code == 200, r.text
    mine = [li for li in r.json()["lineitems"] if li.get("resourceLinkId") == link]
    assert len(mine) == 1, r.json()
    assert mine[0]["label"] == "テスト1" and mine[0]["scoreMaximum"] == 100 and mine[0]["id"] == ags["lineitem"], mine


def test_audience_as_a_string_is_accepted(server, lti_tool, lti_registration, lti_class, teacher_browser):
    title = fresh_title("aud string")
    dl = deep_link_request(teacher_browser, server, lti_tool, lti_class.sourced_id, lti_registration.client_id,
                           title=title, aud_as_string=True)
    assert unverified_jwt(dl.fields["JWT"])[1]["aud"] == server.base_url
    r = deep_link_return(teacher_browser, server, dl.fields)
    assert r.status_code == 303, describe(r)
    link_titled(teacher_browser, server, lti_class.sourced_id, title)


def test_tampered_response_is_refused(server, lti_tool, lti_registration, lti_class, teacher_browser):
    title = fresh_title("tampered")
    dl = deep_link_request(teacher_browser, server, lti_tool, lti_class.sourced_id, lti_registration.client_id,
                           title=title)
    r = deep_link_return(teacher_browser, server, {"JWT": flip_last_char(dl.fields["JWT"])})
    assert 400 <= r.status_code < 500, describe(r)
    assert not [t for t in class_launch_links(teacher_browser, server, lti_class.sourced_id).values() if title in t]


def test_replayed_response_is_refused(server, lti_tool, lti_registration, lti_class, teacher_browser):
    title = fresh_title("replay")
    dl = deep_link_request(teacher_browser, server, lti_tool, lti_class.sourced_id, lti_registration.client_id,
                           title=title)
    assert deep_link_return(teacher_browser, server, dl.fields).status_code == 303
    again = deep_link_return(teacher_browser, server, dl.fields)
    assert 400 <= again.status_code < 500, f"replayed deep linking response: {describe(again)}"
    link_titled(teacher_browser, server, lti_class.sourced_id, title)  # still exactly one


def test_content_type_not_offered_is_refused(server, lti_tool, lti_registration, lti_class, teacher_browser):
    title = fresh_title("html item")
    dl = deep_link_request(teacher_browser, server, lti_tool, lti_class.sourced_id, lti_registration.client_id,
                           title=title, type="html")
    offered = dl.request_claims[DL_SETTINGS]["accept_types"]
    assert "html" not in offered, offered
    r = deep_link_return(teacher_browser, server, dl.fields)
    assert 400 <= r.status_code < 500, f"an html item, not offered ({offered}): {describe(r)}"
    assert not [t for t in class_launch_links(teacher_browser, server, lti_class.sourced_id).values() if title in t]


@pytest.mark.parametrize("data", ["forged", None], ids=["data-changed", "data-dropped"])
def test_response_must_echo_the_request_data(server, lti_tool, lti_registration, lti_class, teacher_browser, data):
    """The return URL cannot rely on the teacher's session (in production the tool's auto-POST is
    cross-site, and a SameSite=Lax cookie does not come along), so the response is bound to the
    request by its signed `data` (and nonce): a response that does not echo it is refused."""
    title = fresh_title("data " + str(data))
    dl = deep_link_request(teacher_browser, server, lti_tool, lti_class.sourced_id, lti_registration.client_id,
                           title=title, data=data)
    settings = dl.request_claims[DL_SETTINGS]
    assert settings.get("data"), f"Kakehashi sends no data in deep_linking_settings to bind the answer: {settings}"
    r = deep_link_return(requests.Session(), server, dl.fields)
    assert 400 <= r.status_code < 500, f"a response with data {data!r} instead of the request's: {describe(r)}"
    assert not [t for t in class_launch_links(teacher_browser, server, lti_class.sourced_id).values() if title in t]


def test_students_cannot_open_the_deep_link_route(server, lti_registration, lti_class, student_browser):
    r = student_browser.get(server.url(deep_link_path(lti_class.sourced_id, lti_registration.client_id)),
                            allow_redirects=False, timeout=15)
    assert r.status_code in (403, 404), describe(r)
