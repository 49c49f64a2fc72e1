"""The platform as a new user meets it, in a real browser against a real server:
sign up, add a colleague, sign in as them with "remember me", survive a server restart and a
lost session, switch to English, read the audit trail, and find no secret in any log file.
"""
import os
import re
import time

from selenium.webdriver.common.by import By
from selenium.common.exceptions import WebDriverException
from selenium.webdriver.support.ui import WebDriverWait

OWNER_PASSWORD = "owner secret phrase 1"
TEMPORARY_PASSWORD = "temporary phrase 22"
COLLEAGUE_PASSWORD = "colleague own phrase 3"


def fill(browser, form_action, fields):
    """Types into the fields of the form posting to `form_action` (the layout has other forms)."""
    form = browser.find_element(By.CSS_SELECTOR, f"form[action='{form_action}']")
    for name, value in fields.items():
        element = form.find_element(By.NAME, name)
        if element.tag_name == "select":
            element.find_element(By.CSS_SELECTOR, f"option[value='{value}']").click()
        else:
            element.clear()
            element.send_keys(value)


def click_and_wait(browser, selector):
    """Clicks and waits until a new document has fully loaded, so the next step never races the
    navigation. (A marker on the old window disappears with it; element staleness checks can
    themselves fail mid-navigation.)"""
    browser.execute_script("window.__previousPage = true")
    browser.find_element(By.CSS_SELECTOR, selector).click()

    def arrived(driver):
        try:
            return driver.execute_script("return window.__previousPage === undefined && document.readyState === 'complete'")
        except WebDriverException:
            return False

    WebDriverWait(browser, 15).until(arrived)


def submit(browser, form_action):
    click_and_wait(browser, f"form[action='{form_action}'] button[type='submit']")


def path(browser):
    return re.sub(r"^https?://[^/]+", "", browser.current_url)


def log_in(browser, server, email, password, remember=False):
    browser.get(server.base + "/login")
    fill(browser, "/login", {"email": email, "password": password})
    if remember:
        browser.find_element(By.CSS_SELECTOR, "form[action='/login'] [name='remember_me']").click()
    submit(browser, "/login")


def test_new_user_journey(server, browser):
    # Sign up: the form in Russian (the browser's language), then the dashboard.
    browser.get(server.base + "/signup")
    assert "lang=\"ru\"" in browser.page_source
    fill(browser, "/signup", {
        "full_name": "Анна Петрова", "email": "anna@romashka.ru", "password": OWNER_PASSWORD,
        "password_confirm": OWNER_PASSWORD, "company_name": "ООО Ромашка",
        "company_description": "Оптовые поставки цветов", "locale": "ru"})
    submit(browser, "/signup")
    assert path(browser) == "/dashboard"
    assert "Анна Петрова" in browser.page_source

    # A server-side validation error (the browser accepts a dotless domain; we do not) keeps what was typed.
    browser.get(server.base + "/users")
    fill(browser, "/users", {"full_name": "Борис Иванов", "email": "boris@romashka", "temporary_password": TEMPORARY_PASSWORD})
    submit(browser, "/users")
    assert "boris@romashka" in browser.page_source
    assert browser.find_elements(By.CSS_SELECTOR, ".field-error")

    # Add a colleague.
    fill(browser, "/users", {"full_name": "Борис Иванов", "email": "boris@romashka.ru", "role": "manager", "temporary_password": TEMPORARY_PASSWORD})
    submit(browser, "/users")
    assert path(browser) == "/users"
    assert "boris@romashka.ru" in browser.page_source

    submit(browser, "/logout")
    assert path(browser) == "/"

    # The colleague signs in with "remember me" and must replace the one-time password.
    log_in(browser, server, "boris@romashka.ru", TEMPORARY_PASSWORD, remember=True)
    assert path(browser) == "/account"
    fill(browser, "/account/password", {"current_password": TEMPORARY_PASSWORD, "new_password": COLLEAGUE_PASSWORD, "new_password_confirm": COLLEAGUE_PASSWORD})
    submit(browser, "/account/password")
    assert path(browser) == "/dashboard"
    # A password change revokes remember-me tokens, so sign in again with it ticked.
    submit(browser, "/logout")
    log_in(browser, server, "boris@romashka.ru", COLLEAGUE_PASSWORD, remember=True)
    assert path(browser) == "/dashboard"
    assert browser.get_cookie("ss_remember") is not None
    session_before = browser.get_cookie("ss_session")["value"]

    # Restart the server: still signed in.
    server.stop()
    server.start()
    browser.get(server.base + "/dashboard")
    assert path(browser) == "/dashboard"
    assert "Борис Иванов" in browser.page_source

    # Lose the session cookie (browser restart): "remember me" signs the user in again.
    browser.delete_cookie("ss_session")
    browser.get(server.base + "/dashboard")
    assert path(browser) == "/dashboard"
    assert browser.get_cookie("ss_session")["value"] != session_before

    # Switch to English.
    click_and_wait(browser, "form[action='/locale'] button[value='en']")
    assert path(browser) == "/dashboard"
    assert 'lang="en"' in browser.page_source
    browser.get(server.base + "/users")
    assert 'lang="en"' in browser.page_source, "the choice sticks to the user"

    # The owner reads the audit trail: every step above is there.
    submit(browser, "/logout")
    log_in(browser, server, "anna@romashka.ru", OWNER_PASSWORD)
    # The database copy of the trail is written in batches every quarter second: allow a moment.
    expected = ("account.signed_up", "user.added", "auth.login", "account.password_changed", "auth.remembered", "account.locale_changed", "auth.logout")
    deadline = time.time() + 5
    while True:
        browser.get(server.base + "/audit")
        page = browser.page_source
        if all(kind in page for kind in expected) or time.time() > deadline:
            break
        time.sleep(0.3)
    for kind in expected:
        assert kind in page, f"audit trail lacks {kind}"
    assert "boris@romashka.ru" in page

    # No log file anywhere holds a password, a session or remember-me value, or the master key.
    secrets = [OWNER_PASSWORD, TEMPORARY_PASSWORD, COLLEAGUE_PASSWORD, session_before, browser.get_cookie("ss_session")["value"]]
    with open(os.path.join(server.data_dir, "master.key")) as key_file:
        secrets += [line.split(":", 1)[1].strip() for line in key_file if ":" in line and not line.startswith("#")]
    log_dir = os.path.join(server.data_dir, "log")
    files = [os.path.join(root, name) for root, _, names in os.walk(log_dir) for name in names]
    files.append(os.path.join(server.data_dir, "server.out"))
    assert len(files) >= 3
    for file_path in files:
        with open(file_path, "rb") as handle:
            content = handle.read().decode("utf-8", "replace")
        for secret in secrets:
            assert secret not in content, f"{os.path.basename(file_path)} contains a secret"
    audit_log = [f for f in files if os.path.basename(f).startswith("audit-")]
    assert audit_log and os.path.getsize(audit_log[0]) > 0, "the audit trail is also written to its daily file"
