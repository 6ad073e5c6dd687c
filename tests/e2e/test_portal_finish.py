"""The portal walk's findings (issue #22), each replayed in a real headless Chromium as a new user
would meet it: searches with spaces, the language switch after a form, French messages, where a
page lands after a form and what it says, false successes, keys and their values, contact files,
navigation, error pages, titles and plurals, and the way back after signing in."""
import re

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from conftest import curl, login
from test_portal import browser, platform, shot, sign_in, submit, type_and_enter  # noqa: F401 (fixtures)


def rows(driver, css):
    return driver.find_elements(By.CSS_SELECTOR, css)


def new_client(driver, siret):
    """"Nouveau client" on the client list, filled as a reseller would, with this SIRET."""
    driver.execute_script("document.getElementById('new-client').open = true")
    for field, value in [("companyName", "Boulangerie Durand"), ("siret", siret), ("address", "1 rue du Four"), ("postalCode", "37550"), ("city", "Saint-Avertin")]:
        driver.find_element(By.NAME, field).send_keys(value)
    submit(driver, driver.find_element(By.ID, "client-submit"))


def provision(driver, base, mac, model=None, lang=None):
    """"Provisionner @MAC" on customer 10000's line 0970192349, sent (the page in `lang` if given)."""
    driver.get(base + "/extranet/clients/10000/provision?sda=0970192349" + (f"&lang={lang}" if lang else ""))
    driver.find_element(By.ID, "mac").send_keys(mac)
    if model:
        driver.find_element(By.CSS_SELECTOR, f"#model option[value='{model}']").click()
    submit(driver, driver.find_element(By.ID, "submit"))


def test_searches_take_spaces_in_every_portal(browser, platform):
    server, reseller = platform
    base = server.base
    sign_in(browser, base, "expert", "reseller-secret")
    browser.get(base + "/extranet/clients/10000")
    # "St Avertin" finds the two St Avertin users (a browser sends the space as '+').
    type_and_enter(browser, browser.find_element(By.ID, "line-q"), "St Avertin")
    assert "lq=St+Avertin" in browser.current_url
    assert sorted(r.find_elements(By.TAG_NAME, "td")[0].text for r in rows(browser, "#users tbody tr")) == ["0970716830", "0970716831"]
    assert browser.find_element(By.ID, "line-q").get_attribute("value") == "St Avertin"
    # A number as people write it, with spaces.
    browser.get(base + "/extranet/clients/10000")
    type_and_enter(browser, browser.find_element(By.ID, "line-q"), "09 70 71")
    assert [r.find_elements(By.TAG_NAME, "td")[0].text for r in rows(browser, "#users tbody tr")] == ["0970711111", "0970716830", "0970716831"]
    # The phone list: a description with a space.
    type_and_enter(browser, browser.find_element(By.ID, "phone-q"), "snom D725")
    assert [r.get_attribute("data-mac") for r in rows(browser, "#phones tbody tr")] == ["00:04:13:78:37:9F"]
    # The administrator's list and the user's contacts decode the same way.
    browser.delete_all_cookies()
    sign_in(browser, base, "0970711111", "admin-line-pass")
    type_and_enter(browser, browser.find_element(By.ID, "q"), "Yealink T42G")
    assert [r.get_attribute("data-mac") for r in rows(browser, "#admin-phones tbody tr")] == ["00:15:65:A7:57:E6"]
    admin = login(base, "0970711111", "admin-line-pass")
    assert curl("POST", f"{base}/api/v1/lines/0970711111/contacts", token=admin, body={"name": "Marie Curie", "numbers": [{"number": "0611223344", "label": "mobile"}]})[0] == 201
    browser.get(base + "/portal/contacts")
    type_and_enter(browser, browser.find_element(By.ID, "q"), "Marie Curie")
    assert [r.find_element(By.CLASS_NAME, "name").text for r in rows(browser, "#contacts tbody tr")] == ["Marie Curie"]
    assert browser.find_element(By.ID, "q").get_attribute("value") == "Marie Curie"


def test_language_switch_after_a_form_returns_to_the_page(browser, platform):
    server, _ = platform
    base = server.base
    sign_in(browser, base, "expert", "reseller-secret")
    browser.get(base + "/extranet")
    # A refused "Nouveau client": the page is the POST's answer.
    new_client(browser, "123")
    assert browser.find_element(By.ID, "error").text == "Numéro de SIRET « 123 » doit compter 14 chiffres."
    submit(browser, browser.find_element(By.ID, "lang"))
    assert browser.current_url == base + "/extranet"
    assert browser.find_element(By.TAG_NAME, "html").get_attribute("lang") == "en"
    assert browser.find_element(By.ID, "lang").text == "Français"
    # And back, from a page with a query: the query is kept.
    browser.get(base + "/extranet/clients/10000?lq=St+Avertin")
    submit(browser, browser.find_element(By.ID, "lang"))
    assert browser.find_element(By.TAG_NAME, "html").get_attribute("lang") == "fr"
    assert browser.find_element(By.ID, "line-q").get_attribute("value") == "St Avertin"
    # The switch goes back to this site only.
    browser.get(base + "/language?lang=en&to=//evil.example/")
    assert browser.current_url == base + "/extranet"


def test_messages_are_french_on_french_pages_and_coded_in_the_api(browser, platform):
    server, reseller = platform
    base = server.base
    sign_in(browser, base, "expert", "reseller-secret")
    provision(browser, base, "80:5E:C0:02:1C")
    assert browser.find_element(By.ID, "error").text == "Adresse MAC « 80:5E:C0:02:1C » compte 10 chiffres hexadécimaux ; une adresse MAC en a 12."
    shot(browser, "finish-provision-error-fr")
    # The same page in English speaks English, with the field's label.
    provision(browser, base, "80:5E:C0:02:1C", lang="en")
    assert browser.find_element(By.ID, "error").text == "MAC address '80:5E:C0:02:1C' has 10 hex digits, a MAC address has 12"
    # The API keeps its English message and adds the same code.
    status, body = curl("POST", f"{base}/api/v1/customers/10000/phones", token=reseller, body={"mac": "80:5E:C0:02:1C", "model": "yealink-t42g"})
    assert status == 422 and body == {"error": "mac '80:5E:C0:02:1C' has 10 hex digits, a MAC address has 12", "code": "mac-length"}
    # "Authenticate until" too far ahead: French, in local time, not UTC.
    browser.get(base + "/admin/phones/00:15:65:A7:57:E6?lang=fr")
    browser.execute_script("document.getElementById('until').value = '2099-01-01T18:00'")
    submit(browser, browser.find_element(By.ID, "apply"))
    assert browser.find_element(By.ID, "error").text == "Authentifier jusqu'à « 01/01/2099 18:00:00 » est à plus de 30 jours."
    # The password change: no developer English, no field path.
    browser.get(base + "/account")
    for field, value in [("current", "not-the-password"), ("new", "new-password-1"), ("again", "new-password-1")]:
        browser.find_element(By.NAME, field).send_keys(value)
    submit(browser, browser.find_element(By.CSS_SELECTOR, "#password-form button[type=submit]"))
    assert browser.find_element(By.ID, "error").text == "Mot de passe actuel « ******** » n'est pas le mot de passe actuel."
    # Unknown pages: the styled page, in French, with the person's header.
    browser.get(base + "/nowhere")
    assert browser.find_element(By.ID, "error").text == "Cette page n'existe pas."
    assert browser.find_element(By.ID, "who").text == "expert"
    assert browser.title == "Erreur · Pieuvre"
    browser.get(base + "/admin")
    assert browser.find_element(By.ID, "error").text == "Introuvable : page « /admin »."
    assert browser.find_element(By.ID, "who").text == "expert" and browser.find_element(By.ID, "logout")


def test_forms_land_where_their_result_is_and_say_what_they_did(browser, platform):
    server, reseller = platform
    base = server.base
    sign_in(browser, base, "expert", "reseller-secret")
    provision(browser, base, "80:5E:C0:02:1C:1C", "yealink-cp960")
    assert browser.current_url.endswith("#phones-title")
    assert browser.find_element(By.ID, "done").text == "Téléphone 80:5E:C0:02:1C:1C provisionné."
    assert browser.execute_script("return window.scrollY") > 0
    # The model column names the model.
    assert "Yealink CP960" in browser.find_element(By.CSS_SELECTOR, "#phones tr[data-mac='80:5E:C0:02:1C:1C']").text
    # Aperçu: the page opens at the import's result.
    browser.find_element(By.ID, "csv").send_keys("mac,model,sda,description\n80:5E:C0:02:1C:1D,yealink-t46g,0970192349,Salle")
    submit(browser, browser.find_element(By.ID, "preview-button"))
    assert browser.current_url.endswith("#import-result")
    assert browser.find_element(By.ID, "preview").text == "1 ligne valide : cliquez sur Importer pour l'ajouter."
    # The result is on screen (the page scrolled down to it), not 2,500 px below.
    assert browser.execute_script("var r = document.getElementById('preview').getBoundingClientRect(); return r.top >= 0 && r.bottom <= window.innerHeight")
    submit(browser, browser.find_element(By.ID, "import-button"))
    assert browser.find_element(By.ID, "message").text == "1 téléphone importé."
    # Supprimer asks, then says what it did at the phone list.
    row = browser.find_element(By.CSS_SELECTOR, "#phones tr[data-mac='80:5E:C0:02:1C:1D']")
    page = browser.find_element(By.TAG_NAME, "html")
    row.find_element(By.CSS_SELECTOR, "button.delete").click()
    browser.switch_to.alert.accept()
    WebDriverWait(browser, 10).until(lambda d: "done=deleted" in d.current_url)
    assert browser.find_element(By.ID, "done").text == "Téléphone 80:5E:C0:02:1C:1D supprimé."
    # One "Modifier" per user row; the presented number's box is labelled and saved by "Enregistrer".
    user_row = browser.find_element(By.CSS_SELECTOR, "#users tbody tr")
    assert [b.text for b in user_row.find_elements(By.TAG_NAME, "button")] == ["Enregistrer"]
    assert user_row.find_element(By.NAME, "presentedNumber").get_attribute("aria-label") == "Modifier n° à présenter"
    # The way back to the client list.
    submit(browser, browser.find_element(By.ID, "back-to-clients"))
    assert browser.current_url == base + "/extranet"
    assert browser.title == "Clients · Pieuvre"
    # "Nouveau client": the new fiche, saying so.
    new_client(browser, "48285833900021")
    assert "Boulangerie Durand" in browser.find_element(By.TAG_NAME, "h1").text
    assert browser.find_element(By.ID, "done").text == "Client créé."


def test_no_false_success_and_vider_saves(browser, platform):
    server, reseller = platform
    base = server.base
    sign_in(browser, base, "0970711111", "admin-line-pass")
    # Nothing ticked: said so, nothing claimed.
    browser.find_element(By.CSS_SELECTOR, "#department option[value='Clichy']").click()
    submit(browser, browser.find_element(By.ID, "assign-department"))
    assert browser.find_element(By.ID, "error").text == "Cochez au moins un téléphone dans la liste."
    assert not browser.find_elements(By.ID, "message")
    # Signal lumineux: a rule, then Vider (asked first) removes it for good.
    admin = login(base, "0970711111", "admin-line-pass")
    assert curl("PUT", f"{base}/api/v1/lines/0970711111/notifications/lamp", token=admin, body=[{"number": "0970711111", "faxes": False, "urgent": False, "allVoicemail": True}])[0] == 200
    browser.get(base + "/portal/notifications")
    assert browser.find_element(By.ID, "number-0").get_attribute("value") == "0970711111"
    browser.find_element(By.ID, "lamp-clear").click()
    browser.switch_to.alert.accept()
    WebDriverWait(browser, 10).until(lambda d: d.find_elements(By.ID, "message"))
    assert browser.find_element(By.ID, "message").text == "Règles du signal lumineux supprimées."
    assert curl("GET", f"{base}/api/v1/lines/0970711111/notifications/lamp", token=admin)[1] == []


def test_memory_keys_and_key_values(browser, platform):
    server, reseller = platform
    base = server.base
    assert curl("POST", f"{base}/api/v1/customers/10000/phones", token=reseller, body={"mac": "80:5E:C0:09:60:01", "model": "yealink-cp960", "sda": "0970711111", "description": "CP960"})[0] == 201
    assert curl("POST", f"{base}/api/v1/customers/10000/phones", token=reseller, body={"mac": "80:5E:C0:09:20:01", "model": "yealink-cp920", "sda": "0970711111", "description": "CP920"})[0] == 201
    sign_in(browser, base, "0970711111", "admin-line-pass")
    submit(browser, browser.find_element(By.ID, "nav-portal"))
    assert browser.current_url == base + "/portal"
    browser.get(base + "/portal/phones/80:5E:C0:09:60:01")
    browser.execute_script("document.querySelectorAll('details').forEach(function (d) { d.open = true; })")
    # The CP960's memory keys are the user's (the first carries the line).
    assert browser.find_elements(By.CSS_SELECTOR, "div.field[data-key='keys.line.2.type']")
    assert "0970711112" in browser.find_element(By.CSS_SELECTOR, ".key-help").text
    # A CP920 speed dial: "Jean" is refused, a number goes into the phone's file.
    browser.get(base + "/portal/phones/80:5E:C0:09:20:01")
    browser.execute_script("document.querySelectorAll('details').forEach(function (d) { d.open = true; })")
    browser.find_element(By.CSS_SELECTOR, "div.field[data-key='keys.soft.3.type'] option[value='speed_dial']").click()
    value = browser.find_element(By.CSS_SELECTOR, "input[name='v:keys.soft.3.value']")
    value.clear()
    value.send_keys("Jean")
    submit(browser, browser.find_element(By.ID, "settings-submit"))
    assert browser.find_element(By.ID, "error").text.startswith("Valeur « Jean » doit être un numéro à appeler")
    browser.execute_script("document.querySelectorAll('details').forEach(function (d) { d.open = true; })")
    browser.find_element(By.CSS_SELECTOR, "div.field[data-key='keys.soft.3.type'] option[value='speed_dial']").click()
    value = browser.find_element(By.CSS_SELECTOR, "input[name='v:keys.soft.3.value']")
    value.clear()
    value.send_keys("09 70 71 11 12")
    submit(browser, browser.find_element(By.ID, "settings-submit"))
    assert browser.find_element(By.ID, "message").text == "Modifications enregistrées."
    admin = login(base, "0970711111", "admin-line-pass")
    status, layer = curl("GET", f"{base}/api/v1/phones/80:5E:C0:09:20:01/settings", token=admin)
    assert layer["values"]["keys.soft.3.value"] == "0970711112"


def test_contacts_from_a_french_file_and_confirmed_deletes(browser, platform, tmp_path):
    server, _ = platform
    base = server.base
    sign_in(browser, base, "0970711111", "admin-line-pass")
    browser.get(base + "/portal/contacts")
    path = tmp_path / "contacts.csv"
    path.write_text("Nom,Numéro,Type\nJean Dupont,06 12 34 56 78,Portable\n", encoding="utf-8")
    browser.find_element(By.ID, "contact-upload").send_keys(str(path))
    WebDriverWait(browser, 5).until(lambda d: "Jean Dupont" in d.find_element(By.ID, "contact-file").get_attribute("value"))
    submit(browser, browser.find_element(By.ID, "contact-import-submit"))
    assert browser.find_element(By.ID, "message").text == "1 contact importé."
    row = browser.find_element(By.CSS_SELECTOR, "#contacts tbody tr")
    assert row.find_element(By.CLASS_NAME, "name").text == "Jean Dupont" and "0612345678" in row.text and "Mobile" in row.text
    # Deleting asks first; dismissing keeps the contact.
    row.find_element(By.CSS_SELECTOR, "button.delete").click()
    browser.switch_to.alert.dismiss()
    assert browser.find_elements(By.CSS_SELECTOR, "#contacts tbody tr")
    browser.find_element(By.CSS_SELECTOR, "#contacts tbody tr button.delete").click()
    browser.switch_to.alert.accept()
    WebDriverWait(browser, 10).until(lambda d: "done=contactDeleted" in d.current_url)
    assert browser.find_element(By.ID, "done").text == "Contact supprimé."


def test_navigation_titles_window_state_and_return_after_sign_in(browser, platform):
    server, reseller = platform
    base = server.base
    # Signed out, a protected page: after signing in, that page.
    browser.get(base + "/admin/departments")
    assert "next=" in browser.current_url
    browser.find_element(By.ID, "login").send_keys("0970711111")
    browser.find_element(By.ID, "password").send_keys("admin-line-pass")
    submit(browser, browser.find_element(By.ID, "submit"))
    assert browser.current_url == base + "/admin/departments"
    assert browser.title == "Départements · Pieuvre"
    # One bar: the administrator's areas, their own line's portal, the account.
    links = [a.get_attribute("id") for a in browser.find_elements(By.CSS_SELECTOR, "#main-nav a")]
    assert links == ["nav-console", "nav-phones", "nav-departments", "nav-profiles", "nav-portal", "nav-account"]
    assert "current" in browser.find_element(By.ID, "nav-departments").get_attribute("class")
    # "Changer le téléphone" says the window's state; the log speaks French.
    browser.get(base + "/admin/phones/00:15:65:A7:57:E6")
    assert browser.find_element(By.ID, "window-state").text.startswith("Fenêtre ouverte jusqu'au ")
    ua = "Yealink SIP-T42G 29.83.0.120 00:15:65:a7:57:e6"
    import subprocess
    subprocess.run(["curl", "-s", "-o", "/dev/null", "-A", ua, base + "/sip-ps/001565a757e6.cfg"], check=True)
    browser.get(base + "/admin/phones/00:15:65:A7:57:E6")
    outcomes = [r.find_elements(By.TAG_NAME, "td")[4].text for r in browser.find_elements(By.CSS_SELECTOR, "#log tbody tr")]
    assert "servi" in outcomes and "served" not in outcomes
    # The seed's first step: untick "Affecté à la ligne ?" and apply; the number stays to tick again.
    browser.find_element(By.ID, "assigned").click()
    submit(browser, browser.find_element(By.ID, "apply"))
    assert browser.find_element(By.ID, "sda").get_attribute("value") == "0970716830"
    browser.find_element(By.ID, "assigned").click()
    submit(browser, browser.find_element(By.ID, "apply"))
    assert curl("GET", f"{base}/api/v1/phones/00:15:65:A7:57:E6", token=reseller)[1]["sda"] == "0970716830"
    # Settings sources in French grammar.
    browser.get(base + "/admin/profiles?department=Clichy")
    browser.execute_script("document.querySelectorAll('details').forEach(function (d) { d.open = true; })")
    sources = " ".join(e.get_attribute("textContent") for e in browser.find_elements(By.CSS_SELECTOR, "div.source"))
    assert "vient de la valeur par défaut" in sources and "vient de département" not in sources


def test_profiles_filter_and_stay_open(browser, platform):
    server, reseller = platform
    base = server.base
    assert curl("POST", f"{base}/api/v1/customers/10000/phones", token=reseller, body={"mac": "80:5E:C0:0A:0A:01", "model": "yealink-t46g", "sda": "0970711111", "description": "Bureau d'Aurélien"})[0] == 201
    sign_in(browser, base, "0970711111", "admin-line-pass")
    # The administrator's search finds the phone by its description (accents typed: searching
    # without them is not done, see the closing note of session 7).
    type_and_enter(browser, browser.find_element(By.ID, "q"), "Aurélien")
    assert [r.get_attribute("data-mac") for r in rows(browser, "#admin-phones tbody tr")] == ["80:5E:C0:0A:0A:01"]
    assert rows(browser, "#admin-phones tbody tr")[0].find_element(By.CLASS_NAME, "model").text.startswith("Yealink T46G")
    # Profiles: a search box narrows 149 fields to the ones asked for.
    browser.get(base + "/admin/profiles")
    assert browser.title == "Profils de téléphone · Pieuvre"
    everything = len(browser.find_elements(By.CSS_SELECTOR, "div.field"))
    browser.find_element(By.ID, "find").send_keys("sonnerie")
    submit(browser, browser.find_element(By.ID, "filter"))
    keys = [f.get_attribute("data-key") for f in browser.find_elements(By.CSS_SELECTOR, "div.field")]
    assert "preferences.ringtone" in keys and len(keys) <= 3 and everything > 100
    # Set it and lock DND at its default, then Appliquer: the groups holding them stay open.
    browser.get(base + "/admin/profiles")
    browser.execute_script("document.querySelectorAll('details').forEach(function (d) { d.open = true; })")
    browser.find_element(By.CSS_SELECTOR, "div.field[data-key='preferences.ringtone'] option[value='Ring3']").click()
    browser.find_element(By.CSS_SELECTOR, "div.field[data-key='features.dnd.enabled'] input[name=lock]").click()
    submit(browser, browser.find_element(By.ID, "settings-submit"))
    ringtone = browser.find_element(By.CSS_SELECTOR, "div.field[data-key='preferences.ringtone']")
    assert ringtone.is_displayed(), "the Preferences group stays open after Appliquer"
    dnd = browser.find_element(By.CSS_SELECTOR, "div.field[data-key='features.dnd.enabled'] .source")
    assert dnd.text.startswith("valeur par défaut, verrouillée à ce niveau")
    # "Only what this layer sets", and a filtered save keeps the locks it did not show.
    browser.get(base + "/admin/profiles?only=1")
    keys = [f.get_attribute("data-key") for f in browser.find_elements(By.CSS_SELECTOR, "div.field")]
    assert sorted(keys) == ["features.dnd.enabled", "preferences.ringtone"]
    browser.get(base + "/admin/profiles?find=sonnerie")
    submit(browser, browser.find_element(By.ID, "settings-submit"))
    status, layer = curl("GET", f"{base}/api/v1/customers/10000/settings", token=reseller)
    assert layer["locked"] == ["features.dnd.enabled"] and layer["values"] == {"preferences.ringtone": "Ring3"}


def test_resync_and_reboot_buttons_say_when_sip_is_off(browser, platform):
    server, _ = platform
    base = server.base
    sign_in(browser, base, "0970711111", "admin-line-pass")
    browser.get(base + "/admin/phones/00:15:65:A7:57:E6")
    submit(browser, browser.find_element(By.ID, "check-sync"))
    assert browser.find_element(By.ID, "error").text == "Le SIP n'est pas configuré sur cette plateforme : impossible de joindre le téléphone."
    # Redémarrer asks first; dismissed, nothing is sent.
    browser.find_element(By.ID, "reboot").click()
    assert "Redémarrer ce téléphone" in browser.switch_to.alert.text
    browser.switch_to.alert.dismiss()
    shot(browser, "change-phone-actions-fr")
