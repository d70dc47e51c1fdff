"""A tool the board deploys to a school appears in the launcher of that school's students and opens
in pylti1p3 as a resource link launch without a class: the school's own deployment id, a
resource_link, no context, no class services. Withdrawn, it is gone from the launcher."""

import csv
import re
from pathlib import Path

from conftest_lti import LTI, TENANT, authorize, begin, describe, post_form, through_tool_login


def school_of(server, sourced_id, folder):
    server.cli("roster", "export", "--tenant", TENANT, "--out", str(folder))
    with open(Path(folder) / "users.csv", encoding="utf-8-sig", newline="") as f:
        for user in csv.DictReader(f):
            if user["sourcedId"] == sourced_id:
                return user["primaryOrgSourcedId"] or user["orgSourcedIds"].split(",")[0]
    raise AssertionError(f"{sourced_id} is not in the exported roster")


def launch_links(browser, server):
    home = browser.get(server.url("/home"), timeout=15)
    assert home.status_code == 200, describe(home)
    return set(re.findall(r'href="/launch/([0-9a-f-]+)"', home.text))


def test_a_tool_deployed_to_a_school_opens_from_its_launcher_without_a_class(
        server, lti_tool, lti_registration, lti_people, student_browser, tmp_path):
    student = lti_people["student"]
    school = school_of(server, student.sourced_id, tmp_path / "export")
    before = launch_links(student_browser, server)

    deploy = server.cli("tools", "deploy", "--tenant", TENANT, "--client-id", lti_registration.client_id, "--school", school)
    assert school in deploy.stdout, deploy.stdout
    try:
        new = launch_links(student_browser, server) - before
        assert len(new) == 1, f"the student's launcher gained {sorted(new)} after `tools deploy`"
        link = new.pop()

        launch = begin(student_browser, server, lti_tool, f"/launch/{link}")
        deployment = launch.login_params["lti_deployment_id"]
        assert deployment != lti_registration.deployment_id, "a school's deployment has its own id"
        # The tool learns of the school's deployment as an administrator would tell it.
        issuer = server.base_url
        lti_tool.knob("/test/register-platform", {
            "issuer": issuer, "client_id": lti_registration.client_id,
            "deployment_ids": [lti_registration.deployment_id, deployment],
            "auth_login_url": issuer + "/lti/authorize", "auth_token_url": issuer + "/lti/token",
            "key_set_url": issuer + "/lti/jwks", "auth_audience": issuer + "/lti/token",
        })
        through_tool_login(student_browser, server, lti_tool, launch)
        r = authorize(student_browser, launch)
        assert r.status_code == 200, describe(r)
        post_form(student_browser, lti_tool, launch)
        data = launch.json()
        claims = data["claims"]
        assert data["deployment_id"] == deployment
        assert data["message_type"] == "LtiResourceLinkRequest" and data["is_resource_launch"]
        assert data["resource_link"]["id"] == link, data["resource_link"]
        assert data["context"] is None, f"a launch from the school launcher names a class: {data['context']}"
        assert not data["has_ags"] and not data["has_nrps"], "no class, so no gradebook or class list"
        assert LTI + "roles" in claims and data["is_student"]
    finally:
        server.cli("tools", "deploy", "--tenant", TENANT, "--client-id", lti_registration.client_id)
    assert link not in launch_links(student_browser, server), "withdrawn, the tool is still in the launcher"
