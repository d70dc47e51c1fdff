"""LTI launches in a real browser (Debian's Chromium, headless): the redirects, Kakehashi's
auto-submitting form (under its Content-Security-Policy) and the tool's Deep Linking form are run
by the browser itself, not by the test.
"""

import json
import os
import secrets
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from selenium import webdriver
from selenium.common.exceptions import StaleElementReferenceException, TimeoutException
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from conftest import TENANT
from conftest_lti import LTI, LTI_STUDENT_PASSWORD, deep_link_path

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")


@pytest.fixture(scope="module")
def chromium(output_dir):
    if not (CHROMIUM.exists() and CHROMEDRIVER.exists()):
        reason = "Chromium is not installed (apt-get install chromium chromium-driver)"
        if os.environ.get("KAKEHASHI_REQUIRE_BROWSER"):
            pytest.fail(reason + " and KAKEHASHI_REQUIRE_BROWSER is set")
        pytest.skip(reason)
    options = Options()
    options.binary_location = str(CHROMIUM)
    for arg in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                "--window-size=1280,900", "--lang=ja"):
        options.add_argument(arg)
    service = Service(str(CHROMEDRIVER), log_output=str(output_dir / "interop-lti-chromedriver.log"))
    driver = webdriver.Chrome(service=service, options=options)
    driver.set_page_load_timeout(30)
    yield driver
    driver.quit()


def wait_for(driver, predicate, what):
    try:
        # A page replaced while we look means "not yet".
        WebDriverWait(driver, 20, ignored_exceptions=(StaleElementReferenceException,)).until(predicate)
    except TimeoutException:
        body = driver.find_element(By.TAG_NAME, "body").text[:500]
        raise AssertionError(f"waited for {what}; the browser is at {driver.current_url}: {body}") from None


def sign_in(driver, server, username, password):
    driver.delete_all_cookies()
    driver.get(server.url("/signin"))
    driver.find_element(By.ID, "username").send_keys(username)
    driver.find_element(By.ID, "password").send_keys(password)
    driver.find_element(By.CSS_SELECTOR, "form[action='/signin'] button[type='submit']").click()
    wait_for(driver, lambda d: urlsplit(d.current_url).path == "/home", "/home")


def tool_json(driver):
    text = driver.find_element(By.TAG_NAME, "body").text
    return json.loads(text)


def test_student_launch_in_chromium(chromium, server, lti_tool, placement, lti_people, student_browser,
                                    output_dir):
    # student_browser has set the student's password.
    sign_in(chromium, server, lti_people["student"].username, LTI_STUDENT_PASSWORD)
    chromium.get(server.url(f"/launch/{placement['id']}"))
    wait_for(chromium, lambda d: d.current_url == lti_tool.url("/launch"), "the tool's /launch (auto-posted form)")
    chromium.save_screenshot(str(output_dir / "screenshots" / "lti-student-launch.png"))
    data = tool_json(chromium)
    assert data["message_type"] == "LtiResourceLinkRequest", data
    assert data["claims"][LTI + "resource_link"]["id"] == placement["id"]


def test_deep_linking_in_chromium(chromium, server, lti_tool, lti_registration, lti_class, lti_people,
                                  teacher_browser, output_dir):
    """The teacher's session cookie is copied from the requests session (it passed the second factor)."""
    chromium.delete_all_cookies()
    chromium.get(server.url("/signin"))
    for cookie in teacher_browser.cookies:
        if cookie.name == "kakehashi_session":
            chromium.add_cookie({"name": cookie.name, "value": cookie.value, "path": "/"})
    title = f"漢字テスト (chromium {secrets.token_hex(3)})"
    lti_tool.knob("/test/next-deep-link", {"title": title})
    chromium.get(server.url(deep_link_path(lti_class.sourced_id, lti_registration.client_id)))
    class_path = f"/t/{TENANT}/classes/{lti_class.sourced_id}"
    wait_for(chromium, lambda d: urlsplit(d.current_url).path == class_path, "the class page after Deep Linking")
    chromium.save_screenshot(str(output_dir / "screenshots" / "lti-deep-linking-done.png"))
    links = [a for a in chromium.find_elements(By.CSS_SELECTOR, "a[href*='/launch/']") if title in
             a.find_element(By.XPATH, "./ancestor-or-self::*[self::li or self::tr or self::p or self::div][1]").text]
    assert len(links) == 1, f"the class page does not list {title!r} once"
