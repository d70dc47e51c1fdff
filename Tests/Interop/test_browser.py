"""A real browser (Debian's Chromium, headless) signs in as a person would.

A student signs in with the demo password; a teacher signs in with a password set through the
CLI, enrolls in TOTP with a code computed by pyotp (an independent RFC 6238 implementation),
sees the recovery codes and reaches the home page. Screenshots go to
$KAKEHASHI_TEST_OUTPUT/screenshots.
"""

import io
import os
import subprocess
import time
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pyotp
import pytest
import zxingcpp
from PIL import Image
from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.common.exceptions import StaleElementReferenceException, TimeoutException
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
STUDENT_PASSWORD = "gakushu-2026"  # set by `serve --demo` for the first student
TEACHER_PASSWORD = "interop-" + os.urandom(6).hex()


@pytest.fixture(scope="module")
def browser(output_dir):
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
    service = Service(str(CHROMEDRIVER), log_output=str(output_dir / "interop-chromedriver.log"))
    driver = webdriver.Chrome(service=service, options=options)
    driver.set_page_load_timeout(30)
    yield driver
    driver.quit()


def shoot(driver, output_dir, name):
    path = output_dir / "screenshots" / name
    assert driver.save_screenshot(str(path)), f"could not write {path}"
    assert path.stat().st_size > 1000


def wait_for_path(driver, path):
    try:
        WebDriverWait(driver, 15).until(lambda d: urlsplit(d.current_url).path == path)
    except TimeoutException:
        raise AssertionError(f"expected {path}; the browser is at {driver.current_url}: "
                             f"{body_text(driver)[:300]}") from None


def h1(driver):
    return driver.find_element(By.TAG_NAME, "h1").text


def h1_without_readings(driver):
    """The heading's words without the readings (ruby <rt>) printed over them."""
    return driver.execute_script(
        "const h = document.querySelector('h1').cloneNode(true);"
        "h.querySelectorAll('rt').forEach(r => r.remove());"
        "return h.textContent;")


def has_name(text, name):
    """Both parts of "family given" appear (English pages may put the given name first)."""
    return all(part in text for part in name.split())


def body_text(driver):
    return driver.find_element(By.TAG_NAME, "body").text


def password_sign_in(driver, server, username, password):
    driver.delete_all_cookies()
    driver.get(server.url("/signin"))
    driver.find_element(By.ID, "username").send_keys(username)
    driver.find_element(By.ID, "password").send_keys(password)
    driver.find_element(By.CSS_SELECTOR, "form[action='/signin'] button[type='submit']").click()


def switch_to_english(driver):
    driver.find_element(By.CSS_SELECTOR, "header a[lang='en']").click()
    WebDriverWait(driver, 15, ignored_exceptions=(StaleElementReferenceException,)).until(
        lambda d: d.find_element(By.TAG_NAME, "html").get_attribute("lang") == "en")


def test_signin_page(browser, server, output_dir):
    browser.delete_all_cookies()
    browser.get(server.url("/signin"))
    assert h1(browser) == "サインイン"
    assert browser.find_element(By.ID, "username").is_displayed()
    assert browser.find_element(By.ID, "password").get_attribute("type") == "password"
    shoot(browser, output_dir, "signin-ja.png")


def test_student_home(browser, server, people, roster, output_dir):
    student = people["students"][0]
    password_sign_in(browser, server, student.username, STUDENT_PASSWORD)
    wait_for_path(browser, "/home")
    assert student.name in h1_without_readings(browser)
    # A first-grader reads kana: the name carries its reading in hiragana.
    readings = [rt.text for rt in browser.find_elements(By.CSS_SELECTOR, "h1 rt")]
    assert len(readings) == 2 and all(r and all("\u3041" <= c <= "\u309f" for c in r) for r in readings), readings
    text = body_text(browser)
    assert "わたしのクラス" in text
    classes = roster[student.username]["classes"]
    assert classes
    for title in classes:
        assert title in text
    shoot(browser, output_dir, "student-home-ja.png")

    japanese_heading = h1(browser)
    switch_to_english(browser)
    assert urlsplit(browser.current_url).path == "/home"
    assert h1(browser) != japanese_heading and has_name(h1(browser), student.name)
    assert "わたしのクラス" not in body_text(browser)
    for title in classes:
        assert title in body_text(browser)
    shoot(browser, output_dir, "student-home-en.png")


def test_teacher_enrolls_in_mfa_and_reaches_home(browser, server, people, roster, output_dir):
    teacher = people["teachers"][1]  # the demo teacher (first) is already enrolled
    server.set_password(teacher.username, TEACHER_PASSWORD)
    password_sign_in(browser, server, teacher.username, TEACHER_PASSWORD)
    wait_for_path(browser, "/mfa/setup")

    secret = browser.find_element(By.ID, "totp-secret").text.strip().replace(" ", "")
    assert len(secret) >= 16
    totp = pyotp.TOTP(secret)  # SHA-1, 6 digits, 30 s: RFC 6238's defaults
    shoot(browser, output_dir, "teacher-mfa-setup-ja.png")
    # The page's QR code, as Chromium draws it, read by an independent decoder (zxing-cpp): the
    # otpauth URI an authenticator app would import, with the same secret.
    png = browser.find_element(By.CSS_SELECTOR, ".qr svg").screenshot_as_png
    found = zxingcpp.read_barcodes(Image.open(io.BytesIO(png)).convert("L"))
    assert found, "no QR code could be read from the set-up page"
    uri = urlsplit(found[0].text)
    assert uri.scheme == "otpauth" and uri.netloc == "totp", found[0].text
    assert parse_qs(uri.query)["secret"] == [secret]
    if totp.interval - time.time() % totp.interval < 3:
        time.sleep(4)  # do not type a code that expires on the way
    browser.find_element(By.CSS_SELECTOR, "form[action='/mfa/setup'] input[name='code']").send_keys(totp.now())
    browser.find_element(By.CSS_SELECTOR, "form[action='/mfa/setup'] button[type='submit']").click()

    codes = WebDriverWait(browser, 15).until(EC.presence_of_element_located((By.ID, "recovery-codes")))
    items = [li.text.strip() for li in codes.find_elements(By.TAG_NAME, "li")]
    assert len(items) >= 5 and all(items) and len(set(items)) == len(items), items
    shoot(browser, output_dir, "teacher-recovery-codes-ja.png")

    browser.find_element(By.ID, "continue").click()
    wait_for_path(browser, "/home")
    assert teacher.name in h1(browser)
    classes = roster[teacher.username]["classes"]
    assert classes
    for title in classes:
        assert title in body_text(browser)
    shoot(browser, output_dir, "teacher-home-ja.png")

    japanese_heading = h1(browser)
    switch_to_english(browser)
    assert h1(browser) != japanese_heading and has_name(h1(browser), teacher.name)
    for title in classes:
        assert title in body_text(browser)
    shoot(browser, output_dir, "teacher-home-en.png")

    # Next sign-in: the challenge, with a code from a later time step than the enrollment's.
    enrolled_step = int(time.time() // totp.interval)
    password_sign_in(browser, server, teacher.username, TEACHER_PASSWORD)
    wait_for_path(browser, "/mfa")
    while int(time.time() // totp.interval) == enrolled_step or totp.interval - time.time() % totp.interval < 3:
        time.sleep(1)
    browser.find_element(By.CSS_SELECTOR, "form[action='/mfa'] input[name='code']").send_keys(totp.now())
    browser.find_element(By.CSS_SELECTOR, "form[action='/mfa'] button[type='submit']").click()
    wait_for_path(browser, "/home")
    assert teacher.name in h1(browser)


BOARD_PASSWORD = "kyouiku-2026"  # the demo's board administrator (shown on the demo sign-in page)


def test_board_admin_uploads_a_roster_through_the_page(browser, server, output_dir, tmp_path):
    """The issue's "done when": the demo board administrator signs in (password and the code a demo
    server shows), uploads a roster through the page, reads the check, applies it, and finds it all in
    the audit log, whose chain verifies."""
    admin = server.users("districtAdministrator")[0]
    # A 1% delta of the very city `serve --demo` imported (3 schools x 200 students, seed 2026).
    package = tmp_path / "demo-delta.zip"
    subprocess.run([os.environ["KAKEHASHI_BIN"], "demo", "generate", "--schools", "3", "--students-per-school", "200",
                    "--seed", "2026", "--delta", "0.01", "--out", str(package)], check=True, capture_output=True, timeout=120)

    password_sign_in(browser, server, admin.username, BOARD_PASSWORD)
    wait_for_path(browser, "/mfa")
    code = browser.find_element(By.ID, "demo-code").text.strip()
    browser.find_element(By.CSS_SELECTOR, "form[action='/mfa'] input[name='code']").send_keys(code)
    browser.find_element(By.CSS_SELECTOR, "form[action='/mfa'] button[type='submit']").click()
    wait_for_path(browser, "/home")

    browser.find_element(By.CSS_SELECTOR, "a[href='/t/demo/admin']").click()
    wait_for_path(browser, "/t/demo/admin")
    browser.find_element(By.CSS_SELECTOR, "a[href='/t/demo/admin/roster']").click()
    wait_for_path(browser, "/t/demo/admin/roster")
    browser.find_element(By.ID, "package").send_keys(str(package))
    browser.find_element(By.CSS_SELECTOR, "form[enctype='multipart/form-data'] button[type='submit']").click()
    # The page is replaced while we look: a stale element means "not yet", not a failure.
    patient = WebDriverWait(browser, 60, ignored_exceptions=(StaleElementReferenceException,))
    patient.until(lambda d: "/admin/roster/uploads/" in urlsplit(d.current_url).path)
    review = body_text(browser)
    assert "検査に合格" in review, review[:500]
    assert "反映すると変わるもの" in review  # the preview of created / updated / deactivated
    shoot(browser, output_dir, "admin-roster-check-ja.png")

    upload_path = urlsplit(browser.current_url).path
    browser.find_element(By.CSS_SELECTOR, f"form[action='{upload_path}/apply'] button[type='submit']").click()
    patient.until(lambda d: "反映ずみ" in body_text(d))
    shoot(browser, output_dir, "admin-roster-applied-ja.png")

    browser.get(server.url("/t/demo/admin/roster"))
    assert "demo-delta.zip" in body_text(browser) and "applied" in body_text(browser)
    browser.get(server.url("/t/demo/admin/audit?action=roster"))
    audit = body_text(browser)
    assert "roster.upload" in audit and "roster.import" in audit
    shoot(browser, output_dir, "admin-audit-ja.png")

    actions = [row["action"] for row in server.audit_rows()]
    assert "roster.import" in actions and "access.readAudit" in actions and "mfa.success" in actions
    assert server.cli("audit", "verify").returncode == 0
