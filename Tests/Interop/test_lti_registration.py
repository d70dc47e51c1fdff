"""LTI Dynamic Registration 1.0: Kakehashi hands out a registration URL, the tool (its registration
side written by hand in peers/lti_tool.py) reads the platform configuration and registers; an
administrator approves it with the CLI; then a student launches it, validated by pylti1p3.
"""

import json
import os
import subprocess

import requests

from conftest import BIN, TENANT
from conftest_lti import (
    LEARNER, LTI, PLATFORM_CONFIGURATION, TOOL_CONFIGURATION, describe, launch_link, place, query,
)


def registration_url(server, tool):
    # The CLI learns the public URL as the server does, from KAKEHASHI_PUBLIC_URL (an operator's
    # shell has the server's environment); without it, it prints http://127.0.0.1:8080.
    result = subprocess.run(
        [str(BIN), "tools", "registration-url", "--tenant", TENANT, "--tool-url", tool.url("/register"),
         "--data-dir", str(server.data_dir)],
        env=dict(os.environ, KAKEHASHI_PUBLIC_URL=server.base_url), capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, f"`tools registration-url`: {result.stdout}\n{result.stderr}"
    url = result.stdout.strip()
    assert url.startswith(tool.url("/register") + "?"), f"`tools registration-url` printed {result.stdout!r}"
    return url


def tools_list(server):
    out = server.cli("tools", "list").stdout
    rows = {}
    for line in out.splitlines():
        if line.strip():
            fields = line.split("\t")
            assert len(fields) >= 3, f"`tools list` line is not client_id<TAB>status<TAB>client_name…: {line!r}"
            rows[fields[0]] = fields
    return rows


def last_exchange(tool):
    return tool.config()["dynamic"][-1]


def test_dynamic_registration_then_approval_then_launch(server, lti_tool, lti_class, lti_people, student_browser,
                                                        placement):
    url = registration_url(server, lti_tool)
    q = query(url)
    assert q["openid_configuration"] == server.url("/.well-known/openid-configuration"), q
    assert q.get("registration_token"), q

    # The admin's browser opens the tool's registration page (in Kakehashi's iframe).
    r = requests.get(url, timeout=30)
    exchange = last_exchange(lti_tool)
    assert r.status_code == 200, f"the tool's registration failed: {r.text[:500]}; exchange: {exchange}"
    assert 'postMessage({subject:"org.imsglobal.lti.close"}' in r.text
    registered = exchange["registered"]
    answer = json.loads(exchange["registration_response"])
    assert exchange["registration_status"] in (200, 201), exchange
    config = exchange["configuration"]
    assert config["issuer"] == server.base_url and config["registration_endpoint"] == server.url("/lti/register")
    assert PLATFORM_CONFIGURATION in config

    # The registration record: what was sent, plus client_id and the deployment in the tool configuration.
    client_id = answer["client_id"]
    tool_conf = answer.get(TOOL_CONFIGURATION) or {}
    assert tool_conf.get("deployment_id"), f"no deployment_id in the answer's tool configuration: {answer}"
    assert answer.get("redirect_uris") == [lti_tool.url("/launch")], answer
    assert answer.get("initiate_login_uri") == lti_tool.url("/login"), answer
    assert answer.get("jwks_uri") == lti_tool.url("/jwks"), answer
    assert answer.get("scope") and set(answer["scope"].split()) <= set(exchange["request"]["scope"].split()), answer
    assert registered["client_id"] == client_id and registered["deployment_ids"] == [tool_conf["deployment_id"]]

    rows = tools_list(server)
    assert client_id in rows and rows[client_id][1] == "pending", rows.get(client_id)
    assert rows[client_id][2] == exchange["request"]["client_name"]

    # Pending: no token for it yet.
    a = lti_tool.knob("/test/assertion", {"client_id": client_id, "aud": server.url("/lti/token")})
    r = requests.post(server.url("/lti/token"), data={
        "grant_type": "client_credentials",
        "client_assertion_type": "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
        "client_assertion": a["assertion"],
        "scope": "https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly"}, timeout=15)
    assert r.status_code in (400, 401), f"a pending tool got a token: {describe(r)}"

    result = server.cli("tools", "approve", "--client-id", client_id, check=False)
    assert result.returncode == 0, f"`tools approve`: {result.stdout}\n{result.stderr}"
    assert tools_list(server)[client_id][1] == "active"

    link = place(server, lti_class.sourced_id, client_id, "動的登録のツール")
    data = launch_link(student_browser, server, lti_tool, link).json()
    claims = data["claims"]
    assert claims["aud"] == client_id or client_id in claims["aud"]
    assert claims[LTI + "deployment_id"] == tool_conf["deployment_id"]
    assert claims[LTI + "resource_link"]["id"] == link
    assert LEARNER in claims[LTI + "roles"]
    student = lti_people["student"]
    assert data["sub"] not in (student.sourced_id, student.username)
    other_tool = launch_link(student_browser, server, lti_tool, placement["id"]).json()
    assert other_tool["sub"] != data["sub"], "two tools get the same pseudonymous sub for one student"
    # A dynamically registered tool starts with the least data: its custom grade variable stays
    # unexpanded until the board allows the grade (the CLI-registered tool, which is allowed it,
    # gets it substituted in test_lti_launch.py).
    custom = claims.get(LTI + "custom") or {}
    assert "name" not in claims and "email" not in claims
    if "grade" in custom:
        assert custom["grade"] == "$Kakehashi.grade", custom


def test_registration_token_is_single_use(server, lti_tool):
    url = registration_url(server, lti_tool)
    assert requests.get(url, timeout=30).status_code == 200, last_exchange(lti_tool)
    again = requests.get(url, timeout=30)
    exchange = last_exchange(lti_tool)
    assert again.status_code == 502 and exchange.get("registration_status") in (400, 401, 403), (
        f"a second registration with the same token: {exchange}")


def test_registration_without_a_valid_token_is_refused(server, lti_tool):
    url = registration_url(server, lti_tool)
    q = query(url)
    forged = f"{lti_tool.url('/register')}?openid_configuration={q['openid_configuration']}&registration_token=forged"
    r = requests.get(forged, timeout=30)
    exchange = last_exchange(lti_tool)
    assert r.status_code == 502 and exchange.get("registration_status") in (400, 401, 403), exchange
    body = {"client_name": "no token", "redirect_uris": [lti_tool.url("/launch")]}
    r = requests.post(server.url("/lti/register"), json=body, timeout=15)
    assert r.status_code in (400, 401, 403), f"registration without a token: {describe(r)}"


def test_registration_keeps_redirect_uris_as_sent(server, lti_tool):
    """The platform keeps redirect_uris exactly as sent (the launch checks them exactly)."""
    lti_tool.knob("/test/next-registration", {"redirect_uris": [lti_tool.url("/launch"), lti_tool.url("/launch2")]})
    r = requests.get(registration_url(server, lti_tool), timeout=30)
    exchange = last_exchange(lti_tool)
    assert r.status_code == 200, exchange
    answer = json.loads(exchange["registration_response"])
    assert answer["redirect_uris"] == [lti_tool.url("/launch"), lti_tool.url("/launch2")], answer
