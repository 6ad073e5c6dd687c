"""The user's half in a real headless Chromium and with real clients: the seed's user
0970711005 tunes a key, sees a locked one, adds a contact; the phone's next fetch carries the key
and its Network Contacts books (fetched with curl as the phone would) list the contact and the
company's lines. Remember-me across a restart, revoked by a password change."""
import re
import subprocess
from urllib.parse import quote

from selenium.webdriver.common.by import By

from conftest import Server, curl, fetch, login
from test_portal import PortalClient, both_languages, browser, open_all, platform, setting_field, shot, sign_in, submit  # noqa: F401

CP920_UA = "Yealink SIP-CP920 78.86.0.15 80:5e:c0:02:1c:1b"


def user_line(base, reseller):
    assert curl("POST", f"{base}/api/v1/customers/10000/lines", token=reseller, body={
        "sda": "0970711005", "name": "Salle St Avertin", "department": "St_Avertin", "portalPassword": "mon_mot_de_pass"})[0] == 201
    assert curl("POST", f"{base}/api/v1/customers/10000/phones", token=reseller, body={
        "mac": "80:5E:C0:02:1C:1B", "model": "yealink-cp920", "sda": "0970711005", "description": "Yealink CP920"})[0] == 201


def book(url, search="#SEARCH"):
    """A book fetched as the phone does: its URL's userinfo as credentials, #SEARCH replaced."""
    target = url.replace("#SEARCH", quote(search)) if search != "#SEARCH" else url.replace("#SEARCH", "")
    result = subprocess.run(["curl", "-sS", "-A", CP920_UA, "-o", "-", "-w", "\n%{http_code}", target], capture_output=True, text=True, check=True)
    text, _, status = result.stdout.rpartition("\n")
    return int(status), text


def test_user_tunes_keys_sees_locks_adds_a_contact_and_the_phone_follows(browser, platform):
    server, reseller = platform
    base = server.base
    user_line(base, reseller)
    admin = login(base, "0970711111", "admin-line-pass")
    # The administrator locks the fourth soft key for the whole customer.
    status, _ = curl("PUT", f"{base}/api/v1/customers/10000/settings", token=admin, body={"values": {"keys.soft.4.type": "history"}, "locked": ["keys.soft.4.type"]})
    assert status == 200

    browser.get(base + "/")
    both_languages(browser, "user-sign-in")
    assert "Se souvenir de moi" in browser.page_source
    assert "Si vous avez oublié votre mot de passe, veuillez contacter le service clients." in browser.page_source
    browser.find_element(By.ID, "login").send_keys("09 70 71 10 05")
    browser.find_element(By.ID, "password").send_keys("mon_mot_de_pass")
    browser.find_element(By.ID, "remember").click()
    submit(browser, browser.find_element(By.ID, "submit"))
    assert browser.current_url.endswith("/portal")
    cookie = browser.get_cookie("pieuvre_session")
    assert cookie and cookie["httpOnly"] and cookie.get("expiry"), "remember-me: a cookie that outlives the browser"
    both_languages(browser, "user-settings-home")

    # Paramètres > Paramétrer les touches: every phone of the line.
    assert browser.find_element(By.ID, "configure-keys").text == "Paramétrer les touches"
    submit(browser, browser.find_element(By.CSS_SELECTOR, "tr[data-mac='80:5E:C0:02:1C:1B'] a.phone-link"))
    title = browser.find_element(By.ID, "settings-title").text
    assert title == "Yealink SIP-CP920 - Modifier les paramètres pour OPENIP: St_Avertin / 0970711005", title
    summaries = [e.get_attribute("textContent") for e in browser.find_elements(By.CSS_SELECTOR, "details.group > summary")]
    assert summaries[0] == "Programmable Keys - Soft key" and "Features" in summaries and "Line 1" in summaries
    assert "Programmable Keys - Line Key" not in summaries, "a CP920 has no line keys"
    subgroups = [e.get_attribute("textContent") for e in browser.find_elements(By.CSS_SELECTOR, "#group-1 details.sub > summary")]
    assert subgroups == ["Touche1", "Touche2", "Touche3", "Touche4"]
    both_languages(browser, "user-phone-settings")
    open_all(browser)
    # Touche4 is read-only, with who locked it; admin-only settings are not offered.
    locked = setting_field(browser, "keys.soft.4.type")
    assert "verrouillé par le client 10000" in locked.text and not locked.find_elements(By.TAG_NAME, "select")
    assert not browser.find_elements(By.CSS_SELECTOR, "div.field[data-key='preferences.timeZone']")
    # Touche2 becomes a speed dial.
    setting_field(browser, "keys.soft.2.type").find_element(By.CSS_SELECTOR, "option[value='speed_dial']").click()
    setting_field(browser, "keys.soft.2.value").find_element(By.CSS_SELECTOR, "input[name='v:keys.soft.2.value']").send_keys("0970716831")
    setting_field(browser, "keys.soft.2.label").find_element(By.CSS_SELECTOR, "input[name='v:keys.soft.2.label']").send_keys("Bureau")
    submit(browser, browser.find_element(By.ID, "settings-submit"))
    assert browser.find_element(By.ID, "message").text == "Modifications enregistrées."
    open_all(browser)
    assert "téléphone" in setting_field(browser, "keys.soft.2.type").find_element(By.CLASS_NAME, "source").text
    shot(browser, "user-phone-settings-saved-fr")

    # Contacts: a personal contact.
    submit(browser, browser.find_element(By.ID, "tab-contacts"))
    browser.find_element(By.ID, "contact-name").send_keys("Aurélie Dupont")
    browser.find_element(By.ID, "contact-number").send_keys("06 12 34 56 78")
    browser.find_element(By.CSS_SELECTOR, "#contact-label option[value='mobile']").click()
    submit(browser, browser.find_element(By.ID, "contact-submit"))
    rows = browser.find_elements(By.CSS_SELECTOR, "#contacts tbody tr")
    assert len(rows) == 1 and "Aurélie Dupont" in rows[0].text and "0612345678" in rows[0].text
    # A bad number is named on the form, which keeps what was typed.
    browser.find_element(By.ID, "contact-name").send_keys("Bruno")
    browser.find_element(By.ID, "contact-number").send_keys("12")
    submit(browser, browser.find_element(By.ID, "contact-submit"))
    assert "Numéro « 12 »" in browser.find_element(By.ID, "error").text
    assert browser.find_element(By.ID, "contact-name").get_attribute("value") == "Bruno"
    both_languages(browser, "user-contacts")
    submit(browser, browser.find_element(By.ID, "tab-account"))
    both_languages(browser, "user-account")

    # The phone's next fetch carries the key and the books' URLs.
    status, device = fetch(f"{base}/sip-ps/805ec0021c1b.cfg", CP920_UA)
    assert status == 200
    assert "programablekey.2.type = 13" in device and "programablekey.2.value = 0970716831" in device
    assert "programablekey.4.type = 28" in device
    # The server was started on port 0 without --public-url, so its files name port 0: the
    # test puts the real port in, as a public URL would.
    device = device.replace("@127.0.0.1:0/", f"@127.0.0.1:{server.port}/")
    urls = dict(re.findall(r"remote_phonebook\.data\.\d\.name = (\w+)\nremote_phonebook\.data\.\d\.url = (\S+)", device))
    assert set(urls) == {"Extensions", "Contacts"}
    status, contacts = book(urls["Contacts"])
    assert status == 200 and "<Name>Aurélie Dupont</Name>" in contacts and "<Telephone>0612345678</Telephone>" in contacts
    status, extensions = book(urls["Extensions"])
    assert status == 200 and "0970711111" in extensions and "0970716830" in extensions and "Salle St Avertin (St_Avertin)" in extensions
    # The search narrows both.
    assert "Aurélie" not in book(urls["Contacts"], "bruno")[1]
    assert "Aurélie" in book(urls["Contacts"], "aur")[1]
    narrowed = book(urls["Extensions"], "accueil")[1]
    assert "0970716830" in narrowed and "0970711111" not in narrowed
    # Without the credentials: 401; the URL of another line's phone with these: 404.
    assert book(urls["Contacts"].replace("805ec0021c1b:", "nobody:"))[0] == 401
    status, t42 = fetch(f"{base}/sip-ps/001565a757e6.cfg", "Yealink SIP-T42G 29.83.0.120 00:15:65:a7:57:e6")
    other = re.search(r"remote_phonebook\.data\.2\.url = (\S+)", t42.replace("@127.0.0.1:0/", f"@127.0.0.1:{server.port}/")).group(1)
    userinfo = re.search(r"//([^@]+)@", urls["Contacts"]).group(1)
    assert book(re.sub(r"//[^@]+@", "//" + userinfo + "@", other))[0] == 404


def test_remember_me_survives_a_restart_and_a_password_change_revokes_it(data_dir):
    server = Server(data_dir, env={"PIEUVRE_ADMIN_PASSWORD": "e2e-admin-pass"})
    try:
        base = server.base
        op = login(base, "admin", "e2e-admin-pass")
        assert curl("POST", f"{base}/api/v1/resellers", token=op, body={"name": "Expert Produits", "login": "expert", "password": "reseller-secret"})[0] == 201
        reseller = login(base, "expert", "reseller-secret")
        assert curl("POST", f"{base}/api/v1/customers", token=reseller, body={
            "companyName": "OPENIP", "siret": "48285833900021", "address": "37-39, rue de Neuilly", "postalCode": "92110", "city": "Clichy", "reference": "10000"})[0] == 201
        assert curl("POST", f"{base}/api/v1/customers/10000/lines", token=reseller, body={"sda": "0970711005", "name": "Salle", "portalPassword": "mon_mot_de_pass"})[0] == 201

        remembered = PortalClient(base)
        status, _, headers = remembered.sign_in("0970711005", "mon_mot_de_pass", remember=True)
        assert status == 303 and re.search(r"(?i)set-cookie: pieuvre_session=[^;]+;.*Max-Age=2592000", headers)
        plain = PortalClient(base)
        status, _, headers = plain.sign_in("0970711005", "mon_mot_de_pass")
        session_cookie = re.search(r"(?i)set-cookie: pieuvre_session=.*", headers).group(0)
        assert "max-age" not in session_cookie.lower() and "expires" not in session_cookie.lower(), "without the box: a browser-session cookie"
    finally:
        assert server.stop() == 0

    server = Server(data_dir)
    try:
        base = server.base
        remembered.base = plain.base = base
        status, page, _ = remembered.request("/portal")
        assert status == 200 and "0970711005" in page, "remember-me survives a restart"
        # The password changes from the other session: the remembered one is revoked.
        status, page, _ = plain.request("/account/password", {"csrf": plain.csrf("/account"), "current": "mon_mot_de_pass", "new": "nouveau_mot_de_pass", "again": "nouveau_mot_de_pass"})
        assert status == 200 and "Mot de passe changé" in page, page
        status, _, headers = remembered.request("/portal")
        assert status == 303 and "location: /" in headers.lower()
        status, page, _ = plain.request("/portal")
        assert status == 200, "the session that made the change stays"
    finally:
        assert server.stop() == 0


def test_notifications_signal_lumineux_as_the_seed_shows(browser, platform):
    server, reseller = platform
    base = server.base
    user_line(base, reseller)
    assert curl("POST", f"{base}/api/v1/customers/10000/lines", token=reseller, body={"sda": "0222969569", "name": "Accueil Nantes", "department": "Nantes"})[0] == 201
    sign_in(browser, base, "0970711005", "mon_mot_de_pass")
    browser.get(base + "/portal?lang=fr")
    submit(browser, browser.find_element(By.ID, "nav-notifications"))
    assert "Notifier la présence d'un nouveau message vocal à l'aide d'un signal lumineux" in browser.page_source
    headers = [th.text for th in browser.find_elements(By.CSS_SELECTOR, "#lamp-rules th")]
    assert headers == ["Numéro de téléphone", "Toutes les fax", "Message vocal urgent", "Tous les messages vocaux"]
    assert not browser.find_elements(By.CSS_SELECTOR, "#lamp-rules tbody tr"), "inactive by default"
    assert [b.text for b in browser.find_elements(By.CSS_SELECTOR, "#lamp-form button, #lamp-form a.button")] == ["Vider", "Nouvelle entrée", "Appliquer", "Annuler"]
    submit(browser, browser.find_element(By.ID, "lamp-add"))
    browser.find_element(By.ID, "number-0").send_keys("0222969569")
    browser.find_element(By.ID, "faxes-0").click()
    browser.find_element(By.ID, "all-0").click()
    submit(browser, browser.find_element(By.ID, "lamp-apply"))
    assert browser.find_element(By.ID, "message").text == "Modifications enregistrées."
    both_languages(browser, "user-notifications-lamp")
    status, rules = curl("GET", f"{base}/api/v1/lines/0970711005/notifications/lamp", token=reseller)
    assert rules == [{"number": "0222969569", "faxes": True, "urgent": False, "allVoicemail": True}]
    # A number of another customer is named on the form, which keeps what was typed.
    submit(browser, browser.find_element(By.ID, "lamp-add"))
    browser.find_element(By.ID, "number-1").send_keys("0140000001")
    submit(browser, browser.find_element(By.ID, "lamp-apply"))
    assert "n'est pas une ligne de ce client" in browser.find_element(By.ID, "error").text
    assert browser.find_element(By.ID, "number-1").get_attribute("value") == "0140000001"
    # The voicemail platform reports a message: the lamp of 0222969569's phones is lit.
    op = login(base, "admin", "e2e-admin-pass")
    status, counters = curl("POST", f"{base}/api/v1/lines/0970711005/voicemail/events", token=op, body={"event": "deposited", "messageId": "m1", "class": "fax"})
    assert status == 200 and counters["fax"]["new"] == 1
    status, lamp = curl("GET", f"{base}/api/v1/lines/0222969569/lamp", token=reseller)
    assert lamp["lit"] is True and lamp["sources"][0]["mailbox"] == "0970711005"
    # The e-mail tab says that sending is not configured, and keeps the rule.
    submit(browser, browser.find_element(By.ID, "tab-email"))
    assert browser.find_element(By.ID, "no-smtp").is_displayed()
    browser.find_element(By.ID, "email-address").send_keys("salle@openip.fr")
    browser.find_element(By.ID, "email-urgent").click()
    submit(browser, browser.find_element(By.ID, "email-apply"))
    assert browser.find_element(By.ID, "message").is_displayed()
    both_languages(browser, "user-notifications-email")
    status, rule = curl("GET", f"{base}/api/v1/lines/0970711005/notifications/email", token=reseller)
    assert rule["address"] == "salle@openip.fr" and rule["urgent"] is True
