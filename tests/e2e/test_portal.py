"""The portals in a real headless Chromium (selenium): the seed's reseller and administrator flows.
Screenshots of every page, in French and English, go to test-artifacts/screenshots/."""
import os

import pytest
from selenium import webdriver
from selenium.common.exceptions import NoAlertPresentException
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from conftest import Server, curl, fetch, login

SHOTS = os.path.join(os.path.dirname(__file__), "../../test-artifacts/screenshots")
UA = "Yealink SIP-T42G 29.83.0.120 00:15:65:a7:57:e6"


def _retrying(method):
    """chromedriver can answer "Node with given id does not belong to the document" under load
    (seen in CI on a 2-core machine) for an element that is there: ask again."""
    import functools
    import time
    from selenium.common.exceptions import WebDriverException

    @functools.wraps(method)
    def wrapper(self, *args, **kwargs):
        for attempt in range(6):
            try:
                return method(self, *args, **kwargs)
            except WebDriverException as error:
                if "does not belong to the document" not in str(error) or attempt == 5:
                    raise
                time.sleep(0.3)
    return wrapper


from selenium.webdriver.remote.webelement import WebElement  # noqa: E402
for _name in ("click", "send_keys", "find_element", "find_elements", "get_attribute", "clear"):
    setattr(WebElement, _name, _retrying(getattr(WebElement, _name)))


@pytest.fixture
def browser():
    options = Options()
    options.binary_location = "/usr/bin/chromium"
    for argument in ["--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1280,1000", "--lang=fr-FR"]:
        options.add_argument(argument)
    # Chromium 156 no longer takes --lang for Accept-Language: a French browser, as the seed's users.
    options.add_experimental_option("prefs", {"intl.accept_languages": "fr-FR,fr"})
    driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
    driver.implicitly_wait(2)
    # chromedriver can answer "Node with given id does not belong to the document" when a look-up
    # meets a page being replaced (seen under load): look again, the next page is there.
    import time
    from selenium.common.exceptions import WebDriverException
    plain_find = driver.find_element

    def find_element(by="id", value=None):
        for attempt in range(5):
            try:
                return plain_find(by, value)
            except WebDriverException as error:
                if "does not belong to the document" not in str(error) or attempt == 4:
                    raise
                time.sleep(0.2)
    driver.find_element = find_element
    yield driver
    driver.quit()


def shot(driver, name):
    os.makedirs(SHOTS, exist_ok=True)
    driver.save_screenshot(os.path.join(SHOTS, f"{name}.png"))


def both_languages(driver, name):
    """Screenshot the page in French, then in English, then back to French."""
    url = driver.current_url.split("#")[0]
    base, _, query = url.partition("?")
    kept = "&".join(p for p in query.split("&") if p and not p.startswith("lang="))
    join = lambda lang: base + "?" + (kept + "&" if kept else "") + "lang=" + lang
    shot(driver, f"{name}-fr")
    driver.get(join("en"))
    shot(driver, f"{name}-en")
    driver.get(join("fr"))


@pytest.fixture
def platform(data_dir):
    server = Server(data_dir, env={"PIEUVRE_ADMIN_PASSWORD": "e2e-admin-pass"})
    base = server.base
    op = login(base, "admin", "e2e-admin-pass")
    for name, user in [("Expert Produits", "expert"), ("Rival Telecom", "rival")]:
        assert curl("POST", f"{base}/api/v1/resellers", token=op, body={"name": name, "login": user, "password": "reseller-secret"})[0] == 201
    reseller = login(base, "expert", "reseller-secret")
    assert curl("POST", f"{base}/api/v1/customers", token=reseller, body={
        "companyName": "OPENIP", "siret": "48285833900021", "address": "37-39, rue de Neuilly", "postalCode": "92110", "city": "Clichy", "reference": "10000"})[0] == 201
    for name, parent in [("Site principal", None), ("Clichy", "Site principal"), ("St_Avertin", "Site principal"), ("Nantes", "Site principal")]:
        body = {"name": name} if parent is None else {"name": name, "parent": parent}
        assert curl("POST", f"{base}/api/v1/customers/10000/departments", token=reseller, body=body)[0] == 201
    for sda, name, dep, extra in [("0970711111", "Utilisateur Full Meta Test - 1", "Site principal", {"administrator": True, "portalPassword": "admin-line-pass"}),
                                  ("0970192349", "Salle de conférence", "Site principal", {}),
                                  ("0970716830", "Accueil St Avertin", "St_Avertin", {}),
                                  ("0970716831", "Bureau St Avertin", "St_Avertin", {})]:
        assert curl("POST", f"{base}/api/v1/customers/10000/lines", token=reseller, body={"sda": sda, "name": name, "department": dep, "licence": "Full Meta Test", **extra})[0] == 201
    for mac, model, sda, description in [("00:15:65:A7:57:E6", "yealink-t42g", "0970716830", "Yealink T42G"),
                                         ("00:04:13:78:37:9F", "snom-d725", "0970716830", "snom D725")]:
        assert curl("POST", f"{base}/api/v1/customers/10000/phones", token=reseller, body={"mac": mac, "model": model, "sda": sda, "description": description})[0] == 201
    yield server, reseller
    server.stop()


def gone(page):
    """A wait condition: the old page's root is gone. chromedriver says so either as a stale
    reference or, under load, as "does not belong to the document": both mean replaced."""
    from selenium.common.exceptions import StaleElementReferenceException, WebDriverException

    def check(_driver):
        try:
            page.is_enabled()
            return False
        except StaleElementReferenceException:
            return True
        except WebDriverException as error:
            if "does not belong to the document" in str(error):
                return True
            raise
    return check


def submit(driver, element):
    """Click a submit button and wait for the next page (a click does not wait by itself)."""
    page = driver.find_element(By.TAG_NAME, "html")
    element.click()
    WebDriverWait(driver, 10).until(gone(page))
    WebDriverWait(driver, 10).until(lambda d: d.execute_script("return document.readyState") == "complete")


def type_and_enter(driver, element, text):
    """Type into a search box and press Enter, waiting for the results page."""
    page = driver.find_element(By.TAG_NAME, "html")
    element.send_keys(text + "\n")
    WebDriverWait(driver, 10).until(gone(page))
    WebDriverWait(driver, 10).until(lambda d: d.execute_script("return document.readyState") == "complete")


def open_all(driver):
    """Unfold every settings group, as a person clicking each ▶ would."""
    driver.execute_script("document.querySelectorAll('details').forEach(function (d) { d.open = true; })")


def setting_field(driver, key):
    return driver.find_element(By.CSS_SELECTOR, f"div.field[data-key='{key}']")


def sign_in(driver, base, user, password):
    driver.get(base + "/")
    driver.find_element(By.ID, "login").send_keys(user)
    driver.find_element(By.ID, "password").send_keys(password)
    submit(driver, driver.find_element(By.ID, "submit"))


def test_reseller_provisions_imports_and_deletes(browser, platform):
    server, _ = platform
    base = server.base
    browser.get(base + "/")
    both_languages(browser, "login")
    sign_in(browser, base, "expert", "reseller-secret")
    assert browser.current_url.endswith("/extranet")
    rows = browser.find_elements(By.CSS_SELECTOR, "#clients tbody tr")
    assert [r.find_elements(By.TAG_NAME, "td")[1].text for r in rows] == ["10000"]
    assert rows[0].find_elements(By.TAG_NAME, "td")[2].text == "OPENIP"
    both_languages(browser, "clients")

    browser.find_element(By.LINK_TEXT, "Fiche client").click()
    assert "OPENIP [10000]" in browser.find_element(By.TAG_NAME, "h1").text
    assert "48285833900021" in browser.find_element(By.ID, "informations").text
    both_languages(browser, "client")

    # Provisionner @MAC from the user's Actions, SDA prefilled.
    user_row = next(r for r in browser.find_elements(By.CSS_SELECTOR, "#users tbody tr") if r.text.startswith("0970192349"))
    submit(browser, user_row.find_element(By.CSS_SELECTOR, "a.provision"))
    assert browser.find_element(By.ID, "sda").get_attribute("value") == "0970192349"
    both_languages(browser, "provision")
    browser.find_element(By.ID, "mac").send_keys("80:5E:C0:02:1C:1B")
    browser.find_element(By.CSS_SELECTOR, "#model option[value='yealink-cp920']").click()
    browser.find_element(By.ID, "description").send_keys("<script>alert(1)</script> Aurélien")
    submit(browser, browser.find_element(By.ID, "submit"))
    phone_row = browser.find_element(By.CSS_SELECTOR, "#phones tr[data-mac='80:5E:C0:02:1C:1B']")
    assert "0970192349" in phone_row.text and "Yealink CP920" in phone_row.text
    assert phone_row.find_element(By.CSS_SELECTOR, ".description").text == "<script>alert(1)</script> Aurélien"
    with pytest.raises(NoAlertPresentException):
        browser.switch_to.alert.text

    # The same MAC again: the seed's exact text, the form keeps what was typed.
    browser.get(base + "/extranet/clients/10000/provision?sda=0970192349")
    browser.find_element(By.ID, "mac").send_keys("805ec0021c1b")
    submit(browser, browser.find_element(By.ID, "submit"))
    # The seed's sentence, then (for a reseller who may see it) which client holds the MAC.
    assert browser.find_element(By.ID, "error").text == "An attempt has been made to create a duplicate object. (80:5E:C0:02:1C:1B : client 10000)"
    assert browser.find_element(By.ID, "mac").get_attribute("value") == "805ec0021c1b"
    shot(browser, "provision-duplicate-fr")
    browser.find_element(By.ID, "mac").clear()
    browser.find_element(By.ID, "mac").send_keys("80:5E:C0:02:1C")
    submit(browser, browser.find_element(By.ID, "submit"))
    assert "compte 10 chiffres hexadécimaux" in browser.find_element(By.ID, "error").text

    # Delete, with confirmation.
    browser.get(base + "/extranet/clients/10000")
    from selenium.webdriver.support import expected_conditions
    page = browser.find_element(By.TAG_NAME, "html")
    browser.find_element(By.CSS_SELECTOR, "#phones tr[data-mac='80:5E:C0:02:1C:1B'] button.delete").click()
    WebDriverWait(browser, 5).until(expected_conditions.alert_is_present()).accept()
    WebDriverWait(browser, 10).until(gone(page))
    assert not browser.find_elements(By.CSS_SELECTOR, "#phones tr[data-mac='80:5E:C0:02:1C:1B']")

    # A CSV with one bad line imports nothing and names the line; a good one imports.
    bad = "mac,model,sda,description\n00:15:65:00:00:01,yealink-t46g,0970711111,Poste 1\n00:15:65:00:00:ZZ,yealink-t46g,,bad\n"
    browser.execute_script("document.getElementById('csv').value = arguments[0]", bad)
    submit(browser, browser.find_element(By.ID, "import-button"))
    errors = browser.find_element(By.ID, "import-errors").text
    assert "3" in errors and "00:15:65:00:00:ZZ" in errors
    assert not browser.find_elements(By.CSS_SELECTOR, "#phones tr[data-mac='00:15:65:00:00:01']")
    shot(browser, "import-refused-fr")
    good = bad.replace("00:15:65:00:00:ZZ", "00:15:65:00:00:02")
    browser.execute_script("document.getElementById('csv').value = arguments[0]", good)
    submit(browser, browser.find_element(By.ID, "preview-button"))
    assert browser.find_element(By.ID, "preview").text.startswith("2 ")
    assert not browser.find_elements(By.CSS_SELECTOR, "#phones tr[data-mac='00:15:65:00:00:01']"), "a preview writes nothing"
    submit(browser, browser.find_element(By.ID, "import-button"))
    assert browser.find_element(By.ID, "message").text.startswith("2 ")
    assert browser.find_elements(By.CSS_SELECTOR, "#phones tr[data-mac='00:15:65:00:00:02']")


def test_administrator_assigns_and_reopens(browser, platform):
    server, reseller = platform
    base = server.base
    # The T42G's window is closed.
    assert curl("PATCH", f"{base}/api/v1/phones/00:15:65:A7:57:E6", token=reseller, body={"authenticateUntil": "2020-01-01T00:00:00Z"})[0] == 200
    assert fetch(f"{base}/sip-ps/001565a757e6.cfg", UA)[0] == 401

    sign_in(browser, base, "0970711111", "admin-line-pass")
    assert browser.current_url.endswith("/admin")
    both_languages(browser, "admin-phones")
    search = browser.find_element(By.ID, "q")
    type_and_enter(browser, search, "St_Avertin")
    rows = browser.find_elements(By.CSS_SELECTOR, "#admin-phones tbody tr")
    assert sorted(r.get_attribute("data-mac") for r in rows) == ["00:04:13:78:37:9F", "00:15:65:A7:57:E6"]

    browser.find_element(By.CSS_SELECTOR, "tr[data-mac='00:04:13:78:37:9F'] input[type=checkbox]").click()
    browser.find_element(By.ID, "assign-sda").send_keys("0970716831")
    submit(browser, browser.find_element(By.ID, "assign-line"))
    assert "0970716831" in browser.find_element(By.CSS_SELECTOR, "tr[data-mac='00:04:13:78:37:9F']").text
    browser.find_element(By.CSS_SELECTOR, "tr[data-mac='00:04:13:78:37:9F'] input[type=checkbox]").click()
    browser.find_element(By.CSS_SELECTOR, "#department option[value='Clichy']").click()
    submit(browser, browser.find_element(By.ID, "assign-department"))
    assert "Clichy" in browser.find_element(By.CSS_SELECTOR, "tr[data-mac='00:04:13:78:37:9F']").text

    submit(browser, browser.find_element(By.LINK_TEXT, "00:15:65:A7:57:E6"))
    both_languages(browser, "change-phone")
    browser.find_element(By.ID, "next-hour").click()
    submit(browser, browser.find_element(By.ID, "apply"))
    assert browser.find_element(By.ID, "message").is_displayed()
    status, device = fetch(f"{base}/sip-ps/001565a757e6.cfg", UA)
    assert status == 200 and "account.1.user_name = 0970716830" in device
    browser.refresh()
    assert "127.0.0.1" in browser.find_element(By.ID, "authenticated-at").text
    assert "servi" in browser.find_element(By.ID, "log").text and "fenêtre fermée" in browser.find_element(By.ID, "log").text
    assert {e.text for e in browser.find_elements(By.CSS_SELECTOR, "#log td.transport")} == {"http"}
    shot(browser, "change-phone-after-fr")


def test_another_reseller_gets_404(browser, platform):
    server, _ = platform
    sign_in(browser, server.base, "rival", "reseller-secret")
    assert not browser.find_elements(By.CSS_SELECTOR, "#clients tbody tr")
    for path in ["/extranet/clients/10000", "/extranet/clients/10000/provision?sda=0970192349", "/admin/phones/00:15:65:A7:57:E6"]:
        status, _ = curl("GET", server.base + path)
        assert status in (303, 200)  # no session: the login page
    cookies = {c["name"]: c["value"] for c in browser.get_cookies()}
    import subprocess
    for path in ["/extranet/clients/10000", "/extranet/clients/10000/provision?sda=0970192349", "/admin/phones/00:15:65:A7:57:E6"]:
        result = subprocess.run(["curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "-b", f"pieuvre_session={cookies['pieuvre_session']}", server.base + path],
                                capture_output=True, text=True)
        assert result.stdout == "404", path


def test_administrator_departments_profiles_and_lines(browser, platform):
    server, reseller = platform
    base = server.base
    sign_in(browser, base, "0970711111", "admin-line-pass")
    submit(browser, browser.find_element(By.ID, "nav-departments"))
    both_languages(browser, "departments")
    names = [r.get_attribute("data-name") for r in browser.find_elements(By.CSS_SELECTOR, "#tree tbody tr")]
    assert names[0] == "Site principal" and set(names) == {"Site principal", "Clichy", "St_Avertin", "Nantes"}

    browser.find_element(By.ID, "department-name").send_keys("Lyon")
    browser.find_element(By.CSS_SELECTOR, "#department-parent option[value='Site principal']").click()
    submit(browser, browser.find_element(By.ID, "department-submit"))
    assert browser.find_elements(By.CSS_SELECTOR, "#tree tr[data-name='Lyon']")
    row = browser.find_element(By.CSS_SELECTOR, "#tree tr[data-name='Lyon']")
    row.find_element(By.NAME, "newName").send_keys("Lyon Part-Dieu")
    submit(browser, row.find_element(By.TAG_NAME, "button"))
    assert browser.find_elements(By.CSS_SELECTOR, "#tree tr[data-name='Lyon Part-Dieu']")
    browser.find_element(By.CSS_SELECTOR, "#move-sda option[value='0970716831']").click()
    browser.find_element(By.CSS_SELECTOR, "#move-department option[value='Lyon Part-Dieu']").click()
    submit(browser, browser.find_element(By.ID, "move-submit"))
    lyon = browser.find_element(By.CSS_SELECTOR, "#tree tr[data-name='Lyon Part-Dieu']")
    assert lyon.find_elements(By.TAG_NAME, "td")[1].text == "1"
    status, line = curl("GET", f"{base}/api/v1/lines/0970716831", token=reseller)
    assert line["department"] == "Lyon Part-Dieu"
    # A name taken already is refused with the seed's duplicate text.
    browser.find_element(By.ID, "department-name").send_keys("Clichy")
    submit(browser, browser.find_element(By.ID, "department-submit"))
    assert browser.find_element(By.ID, "error").text == "An attempt has been made to create a duplicate object."

    # Phone profiles: the customer layer sets English and locks DND off; the T42G's file follows.
    browser.get(base + "/admin/profiles")
    both_languages(browser, "profiles")
    # Groups and human labels, not raw keys; each setting says which models it applies to.
    summaries = [e.get_attribute("textContent") for e in browser.find_elements(By.CSS_SELECTOR, "details.group > summary")]
    assert summaries[:2] == ["Programmable Keys - Line Key", "Programmable Keys - Soft key"] and "Features" in summaries and "Preferences" in summaries
    open_all(browser)
    language = setting_field(browser, "preferences.language")
    assert language.find_element(By.TAG_NAME, "label").text.startswith("Langue")
    soft = setting_field(browser, "keys.soft.2.type")
    assert "CP920" in soft.text and "CP960" not in soft.text
    setting_field(browser, "preferences.language").find_element(By.CSS_SELECTOR, "option[value='English']").click()
    setting_field(browser, "features.dnd.enabled").find_element(By.CSS_SELECTOR, "input[name=lock]").click()
    submit(browser, browser.find_element(By.ID, "settings-submit"))
    assert browser.find_element(By.ID, "message").is_displayed()
    status, device = fetch(f"{base}/sip-ps/001565a757e6.cfg", UA)
    assert status == 200 and "lang.gui = English" in device and "features.dnd.enable = 0" in device
    # The department layer shows the lock from above and cannot change it.
    browser.get(base + "/admin/profiles?department=St_Avertin")
    open_all(browser)
    locked = setting_field(browser, "features.dnd.enabled")
    assert "verrouillé par le client" in locked.text and not locked.find_elements(By.CSS_SELECTOR, "input[name='v:features.dnd.enabled']")
    language = setting_field(browser, "preferences.language")
    assert language.find_element(By.CSS_SELECTOR, "option[selected]").get_attribute("value") == "English"
    assert language.find_element(By.CLASS_NAME, "source").text.startswith("vient du client 10000")
    shot(browser, "profiles-department-fr")

    # Lines from the fiche client: a new line, then its presented number.
    browser.get(base + "/extranet/clients/10000")
    browser.find_element(By.CSS_SELECTOR, "#new-line summary").click()
    browser.find_element(By.ID, "line-sda").send_keys("0970716003")
    browser.find_element(By.ID, "line-name").send_keys("Aurélien")
    browser.find_element(By.CSS_SELECTOR, "#line-department option[value='Clichy']").click()
    submit(browser, browser.find_element(By.ID, "line-submit"))
    row = next(r for r in browser.find_elements(By.CSS_SELECTOR, "#users tbody tr") if r.text.startswith("0970716003"))
    assert "Aurélien" in row.text and "Clichy" in row.text
    field = row.find_element(By.NAME, "presentedNumber")
    field.clear()
    field.send_keys("0970711111")
    submit(browser, row.find_element(By.CSS_SELECTOR, "form.presented button"))
    status, line = curl("GET", f"{base}/api/v1/lines/0970716003", token=reseller)
    assert line["presentedNumber"] == "0970711111"

    # Edit the line: name and restriction; a bad presented number is named on the form.
    row = next(r for r in browser.find_elements(By.CSS_SELECTOR, "#users tbody tr") if r.text.startswith("0970716003"))
    submit(browser, row.find_element(By.CSS_SELECTOR, "a.edit-line"))
    both_languages(browser, "edit-line")
    name = browser.find_element(By.ID, "edit-name")
    name.clear()
    name.send_keys("Aurélien Martin")
    # Call barring is the reseller's: the administrator reads it only.
    assert not browser.find_elements(By.CSS_SELECTOR, "option[value='Bar all international calls']")
    browser.find_element(By.NAME, "presentedNumber").clear()
    browser.find_element(By.NAME, "presentedNumber").send_keys("12")
    submit(browser, browser.find_element(By.ID, "edit-submit"))
    assert "N° à présenter « 12 »" in browser.find_element(By.ID, "error").text
    browser.find_element(By.NAME, "presentedNumber").clear()
    browser.find_element(By.NAME, "presentedNumber").send_keys("0970716003")
    browser.find_element(By.ID, "edit-name").clear()
    browser.find_element(By.ID, "edit-name").send_keys("Aurélien Martin")
    submit(browser, browser.find_element(By.ID, "edit-submit"))
    status, line = curl("GET", f"{base}/api/v1/lines/0970716003", token=reseller)
    assert (line["name"], line["internationalRestriction"], line["department"]) == ("Aurélien Martin", "Bar high-risk countries", "Clichy")


class PortalClient:
    """A browser-like client through the real curl: a cookie jar, the sign-in form's CSRF token."""

    def __init__(self, base):
        import tempfile
        self.base = base
        self.jar = tempfile.NamedTemporaryFile(prefix="pieuvre-jar-", delete=False).name

    def request(self, path, data=None):
        import subprocess
        cmd = ["curl", "-sS", "-b", self.jar, "-c", self.jar, "-o", "-", "-w", "\n%{http_code}", "-D", "/dev/stderr", self.base + path]
        for key, value in (data or {}).items():
            cmd += ["--data-urlencode", f"{key}={value}"]
        result = subprocess.run(cmd, capture_output=True, text=True, check=True)
        text, _, status = result.stdout.rpartition("\n")
        return int(status), text, result.stderr

    def csrf(self, path="/"):
        import re
        _, page, _ = self.request(path)
        return re.search(r'name="csrf" value="([^"]*)"', page).group(1)

    def sign_in(self, login, password, remember=False):
        data = {"csrf": self.csrf(), "login": login, "password": password}
        if remember:
            data["remember"] = "1"
        return self.request("/", data)


def test_api_and_portal_share_one_throttle_and_forms_need_their_token(platform):
    import re
    import time
    server, _ = platform
    base = server.base
    portal = PortalClient(base)
    # Three failures through the API and three through the portal, each login spelled its own
    # way: one count for the line 0970711111.
    for spelling in ["0970711111", "09 70 71 11 11", "+33970711111"]:
        status, _ = curl("POST", f"{base}/api/v1/sessions", body={"login": spelling, "password": "wrong-password"})
        assert status == 401
    for spelling in ["09.70.71.11.11", "09-70-71-11-11", "0970 711 111"]:
        status, page, _ = portal.sign_in(spelling, "wrong-password")
        assert status == 401 and "Login ou mot de passe incorrect." in page
    # Past the free failures: even the right password waits, in HTML with Retry-After.
    status, page, headers = portal.sign_in("0970711111", "admin-line-pass")
    assert status == 429, page
    assert "réessayez dans" in page and page.lstrip().startswith("<!DOCTYPE html>")
    wait = int(re.search(r"(?i)retry-after: (\d+)", headers).group(1))
    status, reply = curl("POST", f"{base}/api/v1/sessions", body={"login": "0970711111", "password": "admin-line-pass"})
    assert status == 429 and "try again" in reply["error"]
    time.sleep(wait + 0.2)
    status, _, headers = portal.sign_in("0970711111", "admin-line-pass")
    assert status == 303 and "location: /admin" in headers.lower()

    # A form without its token, or with another's: an HTML 403 page, never JSON.
    other = PortalClient(base)
    status, page, _ = other.request("/", {"login": "0970711111", "password": "admin-line-pass"})
    assert status == 403 and "<html" in page and "expiré" in page
    status, page, headers = portal.request("/admin/assign", {"csrf": "forged", "action": "line", "sda": "0970711111"})
    assert status == 403 and "text/html" in headers.lower() and "expiré" in page
    status, page, headers = portal.request("/account/password", {"current": "admin-line-pass", "new": "x" * 10, "again": "x" * 10})
    assert status == 403 and "text/html" in headers.lower()
    # Unknown pages answer HTML too.
    status, page, headers = portal.request("/admin/phones/00:15:65:FF:FF:FF")
    assert status == 404 and "text/html" in headers.lower()
