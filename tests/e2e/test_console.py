"""The console (issue #21) in a real headless Chromium, on phones put in their states by real
requests (curl with the phones' User-Agents; a window moved into the past through the API): the
tiles and SVG charts show the figures `/api/v1/fleet` gives, the stuck list mends a reset phone
in one click, a MAC typed in any notation opens its phone, alerts are acknowledged. Screenshots of
each role's console in French and English."""
import subprocess

from selenium.webdriver.common.by import By

from conftest import curl, fetch, login
from test_portal import UA, both_languages, browser, platform, sign_in, submit, type_and_enter  # noqa: F401 (fixtures)

CP920 = "Yealink SIP-CP920 78.86.0.15 80:5e:c0:02:1c:1b"
T46G = "Yealink SIP-T46G 28.83.0.120 00:15:65:82:0b:99"
T48G = "Yealink SIP-T48G 35.83.0.120 00:15:65:9b:8f:77"
PAST = {"authenticateUntil": "2020-01-01T00:00:00Z"}


def states(base, token, query=""):
    status, fleet = curl("GET", f"{base}/api/v1/fleet{query}", token=token)
    assert status == 200, fleet
    return fleet


def put_in_states(base, reseller):
    """The T42G served then reset after its window (refused, window-closed); the D725 never came
    (missed); a CP920 just registered (waiting); a T46G UA asking for a MAC registered as a snom
    (refused, model-mismatch); a T48G UA fetching a MAC registered as a T46G (served, an alert)."""
    assert fetch(f"{base}/sip-ps/001565a757e6.cfg", UA)[0] == 200
    for mac in ["00:15:65:A7:57:E6", "00:04:13:78:37:9F"]:
        assert curl("PATCH", f"{base}/api/v1/phones/{mac}", token=reseller, body=PAST)[0] == 200
    assert fetch(f"{base}/sip-ps/001565a757e6.cfg", UA)[0] == 401
    for mac, model in [("80:5E:C0:02:1C:1B", "yealink-cp920"), ("00:15:65:82:0B:99", "snom-d765"), ("00:15:65:9B:8F:77", "yealink-t46g")]:
        assert curl("POST", f"{base}/api/v1/customers/10000/phones", token=reseller, body={"mac": mac, "model": model})[0] == 201
    assert fetch(f"{base}/sip-ps/001565820b99.cfg", T46G)[0] == 401
    assert fetch(f"{base}/sip-ps/0015659b8f77.cfg", T48G)[0] == 200


def test_console_shows_the_fleet_and_mends_a_reset_phone(browser, platform):
    server, reseller = platform
    base = server.base
    put_in_states(base, reseller)
    fleet = states(base, reseller)
    assert fleet["phones"] == {"total": 5, "waiting": 1, "missed": 1, "refused": 2, "silent": 0, "ok": 1}, fleet
    status, stuck = curl("GET", f"{base}/api/v1/fleet/stuck", token=reseller)
    assert {p["mac"]: (p["refusal"] or {}).get("reason") for p in stuck["items"]} == {
        "00:15:65:A7:57:E6": "window-closed", "00:15:65:82:0B:99": "model-mismatch", "00:04:13:78:37:9F": None}, stuck
    assert {p["mac"]: p["action"] for p in stuck["items"]} == {
        "00:15:65:A7:57:E6": "reopen", "00:15:65:82:0B:99": "check-model", "00:04:13:78:37:9F": "reopen"}

    sign_in(browser, base, "expert", "reseller-secret")
    submit(browser, browser.find_element(By.ID, "nav-console"))
    assert browser.title == "Console de la flotte · Pieuvre"
    assert browser.find_element(By.ID, "scope").text == "Vos clients"
    # The tiles are the API's figures.
    tile = lambda state: int(browser.find_element(By.CSS_SELECTOR, f"#tile-{state} .count").text)
    assert tile("total") == 5 and all(tile(s) == fleet["phones"][s] for s in ["waiting", "missed", "refused", "silent", "ok"])
    # The charts are SVG drawn on the server, with the same figures.
    hours = browser.find_elements(By.CSS_SELECTOR, "#chart-requests svg g.hour")
    assert len(hours) == 24
    last = fleet["requests"][-1]
    assert hours[-1].find_element(By.TAG_NAME, "title").get_attribute("textContent").endswith(f": {last['served']} servies, {last['refused']} refusées")
    assert last["served"] >= 2 and last["refused"] >= 2
    counts = {g.find_element(By.CSS_SELECTOR, "text.axis").get_attribute("textContent"): int(g.find_element(By.CSS_SELECTOR, "text.count").get_attribute("textContent"))
              for g in browser.find_elements(By.CSS_SELECTOR, "#chart-states svg g.row")}
    assert counts == {"En attente": 1, "Jamais installé": 1, "Refusé": 2, "Silencieux": 0, "En service": 1}
    models = {g.find_element(By.CSS_SELECTOR, "text.axis").get_attribute("textContent"): int(g.find_element(By.CSS_SELECTOR, "text.count").get_attribute("textContent"))
              for g in browser.find_elements(By.CSS_SELECTOR, "#chart-models svg g.row")}
    assert models == {"Yealink T42G": 1, "snom D725": 1, "Yealink CP920": 1, "snom D765": 1, "Yealink T46G": 1}
    assert sorted(models.values()) == sorted(m["count"] for m in fleet["models"])
    # The stuck list: the reset T42G with its reason and its mend.
    row = browser.find_element(By.ID, "stuck-00:15:65:A7:57:E6")
    assert "Fenêtre fermée : téléphone réinitialisé ?" in row.text and "Rouvrir le provisionnement, puis redémarrer le téléphone." in row.text
    assert "Fenêtre ouverte" not in row.text, "a closed window is not said open"
    assert "Un autre modèle que celui enregistré" in browser.find_element(By.ID, "stuck-00:15:65:82:0B:99").text
    both_languages(browser, "console-reseller")
    # Resynchroniser without SIP says why, in French.
    submit(browser, browser.find_element(By.CSS_SELECTOR, "#stuck-00\\:15\\:65\\:A7\\:57\\:E6 button.resync"))
    assert "Le SIP n'est pas configuré" in browser.find_element(By.ID, "error").text
    # One click re-opens the window; the phone fetches again and leaves the list.
    submit(browser, browser.find_element(By.CSS_SELECTOR, "#stuck-00\\:15\\:65\\:A7\\:57\\:E6 button.reopen"))
    assert browser.find_element(By.ID, "done").text == "Provisionnement de 00:15:65:A7:57:E6 rouvert pour l'heure qui suit."
    assert curl("GET", f"{base}/api/v1/phones/00:15:65:A7:57:E6", token=reseller)[1]["windowOpen"] is True
    assert fetch(f"{base}/sip-ps/001565a757e6.cfg", UA)[0] == 200
    browser.get(base + "/console")
    assert not browser.find_elements(By.ID, "stuck-00:15:65:A7:57:E6")
    assert tile("refused") == 1 and tile("ok") == 2
    # A tile opens the list of its state.
    submit(browser, browser.find_element(By.ID, "tile-waiting"))
    assert [r.get_attribute("id") for r in browser.find_elements(By.CSS_SELECTOR, "#stuck tbody tr")] == ["stuck-80:5E:C0:02:1C:1B"]
    # A MAC in any notation opens its phone; another tenant's or an unknown one says so.
    type_and_enter(browser, browser.find_element(By.ID, "find-mac"), "805ec0021c1b")
    assert browser.current_url == base + "/admin/phones/80:5E:C0:02:1C:1B"
    browser.get(base + "/console")
    type_and_enter(browser, browser.find_element(By.ID, "find-mac"), "00-11-22-33-44-55")
    assert browser.find_element(By.ID, "error").text == "Aucun téléphone de votre périmètre ne porte cette adresse MAC."


def test_each_role_has_its_console_and_alerts_are_acknowledged(browser, platform):
    server, reseller = platform
    base = server.base
    put_in_states(base, reseller)
    operator = login(base, "admin", "e2e-admin-pass")
    assert states(base, operator)["alerts"] == 1
    # The operator: the whole platform, the model mismatch's alert acknowledged in one click.
    sign_in(browser, base, "admin", "e2e-admin-pass")
    browser.get(base + "/console")
    assert browser.find_element(By.ID, "scope").text == "Toute la plateforme"
    assert int(browser.find_element(By.CSS_SELECTOR, "#tile-alerts .count").text) == 1
    alert = browser.find_element(By.CSS_SELECTOR, "#alert-list tbody tr")
    assert "Autre modèle" in alert.text and "00:15:65:9B:8F:77" in alert.text
    assert "Premier téléchargement de la fenêtre par un autre modèle que celui enregistré, depuis 127.0.0.1." in alert.text
    both_languages(browser, "console-operator")
    submit(browser, browser.find_element(By.CSS_SELECTOR, "#alert-list button.acknowledge"))
    assert browser.find_element(By.ID, "done").text == "Alerte acquittée."
    assert browser.find_element(By.ID, "no-alerts").text == "Aucune alerte à traiter."
    assert states(base, operator)["alerts"] == 0
    # The rival reseller sees none of it.
    browser.delete_all_cookies()
    sign_in(browser, base, "rival", "reseller-secret")
    browser.get(base + "/console")
    assert int(browser.find_element(By.CSS_SELECTOR, "#tile-total .count").text) == 0
    cookie = next(c["value"] for c in browser.get_cookies() if c["name"] == "pieuvre_session")
    result = subprocess.run(["curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "-b", f"pieuvre_session={cookie}", base + "/console?customer=10000"],
                            capture_output=True, text=True)
    assert result.stdout == "404", "another reseller's customer is unknown"
    # The administrator: their company, in English too.
    browser.delete_all_cookies()
    sign_in(browser, base, "0970711111", "admin-line-pass")
    browser.get(base + "/console")
    assert browser.find_element(By.ID, "scope").text == "Votre entreprise"
    assert int(browser.find_element(By.CSS_SELECTOR, "#tile-total .count").text) == 5
    assert not browser.find_elements(By.ID, "alerts")
    both_languages(browser, "console-administrator")
    browser.get(base + "/console?lang=en")
    assert browser.find_element(By.ID, "tile-refused").find_element(By.CLASS_NAME, "label").text == "Refused"


def test_a_mac_typed_wrong_is_corrected_from_the_console(browser, platform):
    server, reseller = platform
    base = server.base
    # Registered with its last digit wrong; the real CP920 asks under its own MAC.
    assert curl("POST", f"{base}/api/v1/customers/10000/phones", token=reseller, body={"mac": "80:5E:C0:02:1C:1C", "model": "yealink-cp920", "sda": "0970192349"})[0] == 201
    assert fetch(f"{base}/sip-ps/805ec0021c1b.cfg", CP920)[0] == 401
    status, unknown = curl("GET", f"{base}/api/v1/fleet/unknown", token=reseller)
    assert status == 200 and [(u["mac"], [n["mac"] for n in u["near"]]) for u in unknown["items"]] == [("80:5E:C0:02:1C:1B", ["80:5E:C0:02:1C:1C"])], unknown
    sign_in(browser, base, "0970711111", "admin-line-pass")
    browser.get(base + "/console")
    row = browser.find_element(By.ID, "unknown-80:5E:C0:02:1C:1B")
    assert "80:5E:C0:02:1C:1C · 10000 0970192349" in row.text and CP920 in row.text
    both_languages(browser, "console-unknown-macs")
    page = browser.find_element(By.TAG_NAME, "html")
    browser.find_element(By.CSS_SELECTOR, "#unknown-80\\:5E\\:C0\\:02\\:1C\\:1B button.correct-mac").click()
    assert "Remplacer l'adresse MAC 80:5E:C0:02:1C:1C par 80:5E:C0:02:1C:1B ?" in browser.switch_to.alert.text
    browser.switch_to.alert.accept()
    from selenium.webdriver.support.ui import WebDriverWait
    from test_portal import gone
    WebDriverWait(browser, 10).until(gone(page))
    assert browser.find_element(By.ID, "done").text == "Adresse MAC corrigée : le téléphone 80:5E:C0:02:1C:1B peut récupérer sa configuration."
    assert not browser.find_elements(By.ID, "unknown")
    # The phone now comes up with its record (its line kept).
    status, body = fetch(f"{base}/sip-ps/805ec0021c1b.cfg", CP920)
    assert status == 200 and "0970192349" in body
