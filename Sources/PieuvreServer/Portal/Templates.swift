/// The portal's Mustache templates. `{{x}}` escapes; no template uses the raw `{{{x}}}` form,
/// so every value from a record is shown as text.
enum Templates {
    static let all: [String: String] = [
        "layout": layout, "login": login, "clients": clients, "client": client, "provision": provision,
        "adminPhones": adminPhones, "phone": phone, "portal": portal, "departments": departments, "profiles": profiles, "line": line, "problem": problem,
    ]

    static let layout = """
    <!DOCTYPE html>
    <html lang="{{t.lang}}">
    <head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
    <title>{{$title}}{{t.title}}{{/title}}</title><link rel="stylesheet" href="/static/pieuvre.css"></head>
    <body>
    <header><span class="brand">Pieuvre</span>
    <nav>{{#who}}<span class="who">{{who}}</span>
    <form method="post" action="/logout" class="inline"><input type="hidden" name="csrf" value="{{csrf}}"><button type="submit" id="logout">{{t.logout}}</button></form>{{/who}}
    <a href="?lang={{t.other}}" id="lang">{{t.otherName}}</a></nav></header>
    <main>{{$content}}{{/content}}</main>
    </body></html>
    """

    static let login = """
    {{<layout}}{{$content}}
    <section class="login"><h1>{{t.authentication}}</h1>
    {{#error}}<p class="error" id="error">{{error}}</p>{{/error}}
    <form method="post" action="/">
    <label>{{t.login}}<input name="login" id="login" value="{{login}}" autofocus required></label>
    <label>{{t.password}}<input type="password" name="password" id="password" required></label>
    <button type="submit" id="submit">✔ {{t.submit}}</button></form></section>
    {{/content}}{{/layout}}
    """

    static let clients = """
    {{<layout}}{{$content}}
    <h1>{{t.clients}}</h1>
    <form method="get" action="/extranet"><input name="q" id="q" value="{{q}}" placeholder="{{t.search}}"></form>
    <table id="clients"><thead><tr><th>{{t.createdOn}}</th><th>{{t.reference}}</th><th>{{t.companyName}}</th><th>{{t.clientSheet}}</th></tr></thead><tbody>
    {{#customers}}<tr><td>{{created}}</td><td>{{reference}}</td><td>{{companyName}}</td><td><a class="button" href="/extranet/clients/{{reference}}">{{t.clientSheet}}</a></td></tr>{{/customers}}
    </tbody></table>
    {{#canCreate}}<details {{#error}}open{{/error}}><summary>{{t.newClient}}</summary>
    {{#error}}<p class="error" id="error">{{error}}</p>{{/error}}
    <form method="post" action="/extranet/clients" class="grid"><input type="hidden" name="csrf" value="{{csrf}}">
    <label>{{t.companyName}}*<input name="companyName" value="{{form.companyName}}" required></label>
    <label>{{t.siret}}*<input name="siret" value="{{form.siret}}" required></label>
    <label>{{t.address}}*<input name="address" value="{{form.address}}" required></label>
    <label>{{t.postalCode}}*<input name="postalCode" value="{{form.postalCode}}" required></label>
    <label>{{t.city}}*<input name="city" value="{{form.city}}" required></label>
    <label>{{t.reference}}<input name="reference" value="{{form.reference}}"></label>
    <button type="submit">{{t.submit}}</button></form></details>{{/canCreate}}
    {{/content}}{{/layout}}
    """

    static let client = """
    {{<layout}}{{$content}}
    <h1>{{sheet.companyName}} [{{sheet.reference}}] <span class="status">{{#sheet.active}}<span class="ok">●</span> {{t.active}}{{/sheet.active}}{{^sheet.active}}<span class="ko">●</span> {{t.locked}}{{/sheet.active}}</span></h1>
    {{#message}}<p class="notice" id="message">{{message}}</p>{{/message}}
    {{#error}}<p class="error" id="error">{{error}}</p>{{/error}}
    <nav class="tabs"><a href="#informations">{{t.information}}</a> <a href="#compte">{{t.platformAccount}}</a></nav>
    <section id="informations"><h2>{{t.information}}</h2><table class="sheet">
    <tr><th>{{t.reference}}</th><td>{{sheet.reference}}</td></tr><tr><th>{{t.companyName}}</th><td>{{sheet.companyName}}</td></tr>
    <tr><th>{{t.siret}}</th><td>{{sheet.siret}}</td></tr><tr><th>{{t.address}}</th><td>{{sheet.address}}</td></tr>
    <tr><th>{{t.postalCode}}</th><td>{{sheet.postalCode}}</td></tr><tr><th>{{t.city}}</th><td>{{sheet.city}}</td></tr>
    <tr><th>{{t.reseller}}</th><td>{{sheet.reseller}}</td></tr><tr><th>{{t.createdOn}}</th><td>{{created}}</td></tr></table></section>
    <section id="compte"><h2>{{t.platformAccount}}</h2><h3>{{t.users}}</h3>
    <table id="users"><thead><tr><th>{{t.sda}}</th><th>{{t.name}}</th><th>{{t.licence}}</th><th>{{t.site}}</th><th>{{t.accountLocked}}</th><th>{{t.presentedNumber}}</th><th>{{t.internationalRestriction}}</th><th>{{t.actions}}</th></tr></thead><tbody>
    {{#lines}}<tr><td>{{sda}}</td><td>{{#administrator}}<span title="{{t.administrator}}">★</span> {{/administrator}}{{name}}</td><td>{{licence}}</td><td>{{department}}</td><td>{{#locked}}<span class="ko">●</span> {{t.locked}}{{/locked}}{{^locked}}<span class="ok">●</span> {{t.unlocked}}{{/locked}}</td><td>{{presentedNumber}}</td><td>{{internationalRestriction}}</td>
    <td><a class="button provision" href="/extranet/clients/{{reference}}/provision?sda={{sda}}" title="{{t.provisionMAC}}">☎ {{t.provisionMAC}}</a>
    <a class="button edit-line" href="/extranet/clients/{{reference}}/lines/{{sda}}/edit">✎ {{t.change}}</a>
    <form method="post" action="/extranet/clients/{{reference}}/lines/{{sda}}" class="inline presented"><input type="hidden" name="csrf" value="{{csrf}}">
    <input name="presentedNumber" aria-label="{{t.editPresented}}" value="{{presentedNumber}}" size="11"><button type="submit">{{t.change}}</button></form></td></tr>{{/lines}}
    </tbody></table><p>★ {{t.administrator}}</p>
    <details id="new-line"><summary>{{t.newLine}}</summary>
    <form method="post" action="/extranet/clients/{{reference}}/lines" class="grid"><input type="hidden" name="csrf" value="{{csrf}}">
    <label>{{t.sda}}*<input name="sda" id="line-sda" required></label><label>{{t.name}}*<input name="name" id="line-name" required></label>
    <label>{{t.site}}<select name="department" id="line-department"><option value="">{{t.none}}</option>{{#departments}}<option value="{{name}}">{{name}}</option>{{/departments}}</select></label>
    <label>{{t.licence}}<input name="licence" value="Full Meta Test"></label>
    <label>{{t.password}}<input type="password" name="portalPassword" autocomplete="new-password"></label>
    <label><input type="checkbox" name="administrator" value="1"> {{t.administrator}}</label>
    <button type="submit" id="line-submit">{{t.submit}}</button></form></details>
    <h3>{{t.phones}}</h3>
    <table id="phones"><thead><tr><th>{{t.model}}</th><th>{{t.macAddress}}</th><th>{{t.sda}}</th><th>{{t.description}}</th><th>{{t.window}}</th><th>{{t.actions}}</th></tr></thead><tbody>
    {{#phones}}<tr data-mac="{{mac}}"><td>{{modelName}}</td><td>{{mac}}</td><td>{{sda}}</td><td class="description">{{description}}</td>
    <td>{{#windowOpen}}{{t.openUntil}} {{until}}{{/windowOpen}}{{^windowOpen}}{{t.closed}}{{/windowOpen}} · {{#authenticatedAt}}{{t.authenticated}} {{authenticatedAt}}{{/authenticatedAt}}{{^authenticatedAt}}{{t.notAuthenticated}}{{/authenticatedAt}}</td>
    <td><form method="post" action="/extranet/clients/{{reference}}/phones/{{mac}}/delete" onsubmit="return confirm('{{t.confirmDelete}}')"><input type="hidden" name="csrf" value="{{csrf}}"><button type="submit" class="delete">{{t.delete}}</button></form></td></tr>{{/phones}}
    </tbody></table>
    <h3>{{t.importTitle}}</h3>
    {{#previewCount}}<p class="notice" id="preview">{{previewCount}} {{t.previewOk}}</p>{{/previewCount}}
    {{#hasImportErrors}}<div class="error" id="import-errors"><p>{{t.nothingImported}}</p><ul>{{#importErrors}}<li>{{t.line}} {{line}} : {{error}}</li>{{/importErrors}}</ul></div>{{/hasImportErrors}}
    <form method="post" action="/extranet/clients/{{reference}}/import" id="import"><input type="hidden" name="csrf" value="{{csrf}}">
    <label>{{t.csv}}<input type="file" id="csvfile" accept=".csv,text/csv"></label>
    <textarea name="csv" id="csv" rows="6">{{csv}}</textarea>
    <button type="submit" name="action" value="preview" id="preview-button">{{t.preview}}</button>
    <button type="submit" name="action" value="import" id="import-button">+ {{t.import}}</button></form>
    <form method="post" action="/extranet/clients/{{reference}}/import-block" id="block" class="grid"><input type="hidden" name="csrf" value="{{csrf}}">
    <label>{{t.firstMac}}<input name="firstMac" required></label><label>{{t.count}}<input name="count" type="number" min="1" max="10000" required></label>
    <label>{{t.model}}<select name="model">{{#models}}<option value="{{id}}">{{displayName}}</option>{{/models}}</select></label>
    <button type="submit">+ {{t.block}}</button></form>
    <script>document.getElementById('csvfile').addEventListener('change', function (e) {
      var f = e.target.files[0]; if (!f) return; f.text().then(function (t) { document.getElementById('csv').value = t; });
    });</script></section>
    {{/content}}{{/layout}}
    """

    static let provision = """
    {{<layout}}{{$content}}
    <h1>{{t.provisionMAC}}</h1><p><a href="/extranet/clients/{{reference}}#compte">← {{t.back}}</a></p>
    {{#error}}<p class="error" id="error">{{error}}</p>{{/error}}
    <form method="post" action="/extranet/clients/{{reference}}/provision" class="grid"><input type="hidden" name="csrf" value="{{csrf}}">
    <label>{{t.mac}} *<input name="mac" id="mac" value="{{form.mac}}" required autofocus></label>
    <label>{{t.model}} *<select name="model" id="model">{{#models}}<option value="{{id}}" {{#selected}}selected{{/selected}}>{{displayName}}</option>{{/models}}</select></label>
    <label>{{t.description}}<input name="description" id="description" value="{{form.description}}"></label>
    <label>{{t.sda}} *<input name="sda" id="sda" value="{{form.sda}}" required></label>
    <button type="submit" id="submit">✔ {{t.submit}}</button></form>
    {{/content}}{{/layout}}
    """

    static let adminPhones = """
    {{<layout}}{{$content}}
    <h1>{{t.phonesInDepartment}}</h1>
    <nav class="tabs"><a href="/admin/departments" id="nav-departments">{{t.departments}}</a> <a href="/admin/profiles" id="nav-profiles">{{t.manageProfiles}}</a></nav>
    {{#message}}<p class="notice" id="message">{{message}}</p>{{/message}}
    {{#error}}<p class="error" id="error">{{error}}</p>{{/error}}
    <form method="get" action="/admin"><input name="q" id="q" value="{{q}}" placeholder="{{t.search}}"></form>
    <form method="post" action="/admin/assign" id="assign"><input type="hidden" name="csrf" value="{{csrf}}">
    <table id="admin-phones"><thead><tr><th></th><th>{{t.model}}</th><th>{{t.macAddress}}</th><th>{{t.description}}</th><th>{{t.assignedTo}}</th><th>{{t.department}}</th></tr></thead><tbody>
    {{#phones}}<tr data-mac="{{mac}}"><td><input type="checkbox" name="mac" value="{{mac}}"></td><td title="{{modelName}}">{{#authenticatedAt}}☎{{/authenticatedAt}}{{^authenticatedAt}}?{{/authenticatedAt}}</td>
    <td><a href="/admin/phones/{{mac}}">{{mac}}</a></td><td class="description">{{description}}</td><td>{{sda}}</td><td>{{department}}</td></tr>{{/phones}}
    </tbody></table>
    <select name="department" id="department"><option value="">{{t.select}}</option>{{#departments}}<option value="{{name}}">{{name}}</option>{{/departments}}</select>
    <button type="submit" name="action" value="department" id="assign-department">{{t.assignDepartment}}</button>
    <input name="sda" id="assign-sda" placeholder="{{t.enterNumber}}">
    <button type="submit" name="action" value="line" id="assign-line">{{t.assignLine}}</button></form>
    {{/content}}{{/layout}}
    """

    static let phone = """
    {{<layout}}{{$content}}
    <h1>{{t.changePhone}}</h1><p>{{t.changeHelp}}</p><p><a href="/admin">← {{t.back}}</a></p>
    {{#message}}<p class="notice" id="message">{{message}}</p>{{/message}}
    {{#error}}<p class="error" id="error">{{error}}</p>{{/error}}
    <form method="post" action="/admin/phones/{{phone.mac}}" class="grid" id="change"><input type="hidden" name="csrf" value="{{csrf}}">
    <label>{{t.macAddress}}<input value="{{phone.mac}}" readonly></label>
    <label>{{t.description}}<input name="description" id="description" value="{{phone.description}}"></label>
    <label>{{t.phoneModel}}<select name="model" id="model">{{#models}}<option value="{{id}}" {{#selected}}selected{{/selected}}>{{displayName}}</option>{{/models}}</select></label>
    <label><input type="checkbox" name="assigned" id="assigned" value="1" {{#phone.sda}}checked{{/phone.sda}}> {{t.assignedToLine}}</label>
    <label>{{t.sda}}<input name="sda" id="sda" value="{{phone.sda}}"></label>
    <p>{{t.authenticatedAt}} : <span id="authenticated-at">{{#authenticatedAt}}{{authenticatedAt}} ({{phone.authenticatedIP}}){{/authenticatedAt}}{{^authenticatedAt}}—{{/authenticatedAt}}</span></p>
    <label>{{t.authenticateUntil}}<input type="datetime-local" name="until" id="until" value="{{untilInput}}"></label>
    <label><input type="checkbox" name="nextHour" id="next-hour" value="1"> {{t.nextHour}}</label>
    <button type="submit" id="apply">{{t.apply}}</button></form>
    <form method="post" action="/admin/phones/{{phone.mac}}/reopen"><input type="hidden" name="csrf" value="{{csrf}}"><button type="submit" id="reopen">{{t.reopen}}</button></form>
    <h2>{{t.log}}</h2><table id="log"><thead><tr><th>{{t.time}}</th><th>{{t.file}}</th><th>{{t.ip}}</th><th>{{t.outcome}}</th></tr></thead><tbody>
    {{#events}}<tr><td>{{at}}</td><td>{{file}}</td><td>{{ip}}</td><td>{{outcome}}</td></tr>{{/events}}</tbody></table>
    {{/content}}{{/layout}}
    """

    static let departments = """
    {{<layout}}{{$content}}
    <h1>{{t.departments}}</h1><p><a href="/admin">← {{t.back}}</a></p>
    {{#message}}<p class="notice" id="message">{{message}}</p>{{/message}}
    {{#error}}<p class="error" id="error">{{error}}</p>{{/error}}
    <table id="tree"><thead><tr><th>{{t.department}}</th><th>{{t.users}}</th><th>{{t.rename}}</th></tr></thead><tbody>
    {{#tree}}<tr data-name="{{name}}"><td style="padding-left:{{indent}}em">{{name}}</td><td>{{lines}}</td>
    <td><form method="post" action="/admin/departments/rename" class="inline"><input type="hidden" name="csrf" value="{{csrf}}"><input type="hidden" name="name" value="{{name}}">
    <input name="newName" aria-label="{{t.newName}}" placeholder="{{t.newName}}"><button type="submit">{{t.rename}}</button></form></td></tr>{{/tree}}
    </tbody></table>
    <h2>{{t.newDepartment}}</h2>
    <form method="post" action="/admin/departments" class="grid" id="new-department"><input type="hidden" name="csrf" value="{{csrf}}">
    <label>{{t.name}}<input name="name" id="department-name" required></label>
    <label>{{t.parent}}<select name="parent" id="department-parent"><option value="">{{t.none}}</option>{{#tree}}<option value="{{name}}">{{name}}</option>{{/tree}}</select></label>
    <button type="submit" id="department-submit">{{t.submit}}</button></form>
    <h2>{{t.moveLine}}</h2>
    <form method="post" action="/admin/lines/move" class="grid" id="move-line"><input type="hidden" name="csrf" value="{{csrf}}">
    <label>{{t.line2}}<select name="sda" id="move-sda">{{#allLines}}<option value="{{sda}}">{{sda}} — {{name}}</option>{{/allLines}}</select></label>
    <label>{{t.department}}<select name="department" id="move-department"><option value="">{{t.none}}</option>{{#tree}}<option value="{{name}}">{{name}}</option>{{/tree}}</select></label>
    <button type="submit" id="move-submit">{{t.move}}</button></form>
    {{/content}}{{/layout}}
    """

    static let profiles = """
    {{<layout}}{{$content}}
    <h1>{{t.profiles}}</h1><p><a href="/admin">← {{t.back}}</a></p>
    <form method="get" action="/admin/profiles"><label>{{t.layer}} <select name="department" id="layer" onchange="this.form.submit()"><option value="">{{t.customerLayer}}</option>
    {{#departments}}<option value="{{name}}" {{#selected}}selected{{/selected}}>{{t.department}} {{name}}</option>{{/departments}}</select></label></form>
    {{#message}}<p class="notice" id="message">{{message}}</p>{{/message}}
    {{#error}}<p class="error" id="error">{{error}}</p>{{/error}}
    <form method="post" action="/admin/profiles" id="profile"><input type="hidden" name="csrf" value="{{csrf}}"><input type="hidden" name="department" value="{{department}}">
    <table id="settings"><thead><tr><th>{{t.setting}}</th><th>{{t.value}}</th><th>{{t.lock}}</th><th>{{t.effective}}</th><th>{{t.source}}</th></tr></thead><tbody>
    {{#settings}}<tr data-key="{{key}}"><td><small>{{group}}</small><br>{{key}}</td>
    <td>{{#lockedAbove}}<span class="ko">● {{lockedAbove}}</span>{{/lockedAbove}}{{^lockedAbove}}
    {{#isChoice}}<select name="v:{{key}}"><option value="">{{t.inherit}}</option>{{#options}}<option value="{{value}}" {{#selected}}selected{{/selected}}>{{value}}</option>{{/options}}</select>{{/isChoice}}
    {{^isChoice}}<input name="v:{{key}}" value="{{value}}" placeholder="{{t.inherit}} {{defaultValue}}">{{/isChoice}}{{/lockedAbove}}</td>
    <td>{{^lockedAbove}}<input type="checkbox" name="lock" value="{{key}}" {{#locked}}checked{{/locked}}>{{/lockedAbove}}</td>
    <td class="effective">{{effective}}</td><td class="source">{{source}}</td></tr>{{/settings}}
    </tbody></table><button type="submit" id="profile-submit">{{t.apply}}</button></form>
    {{/content}}{{/layout}}
    """

    static let line = """
    {{<layout}}{{$content}}
    <h1>{{t.change}} {{line.sda}}</h1><p><a href="/extranet/clients/{{reference}}#compte">← {{t.back}}</a></p>
    {{#error}}<p class="error" id="error">{{error}}</p>{{/error}}
    <form method="post" action="/extranet/clients/{{reference}}/lines/{{line.sda}}/edit" class="grid" id="edit-line"><input type="hidden" name="csrf" value="{{csrf}}">
    <label>{{t.name}}<input name="name" id="edit-name" value="{{line.name}}" required></label>
    <label>{{t.licence}}<input name="licence" value="{{line.licence}}"></label>
    <label>{{t.site}}<select name="department" id="edit-department"><option value="">{{t.none}}</option>{{#departments}}<option value="{{name}}" {{#selected}}selected{{/selected}}>{{name}}</option>{{/departments}}</select></label>
    <label>{{t.presentedNumber}}<input name="presentedNumber" value="{{line.presentedNumber}}"></label>
    <label>{{t.internationalRestriction}}<select name="internationalRestriction">{{#restrictions}}<option value="{{value}}" {{#selected}}selected{{/selected}}>{{value}}</option>{{/restrictions}}</select></label>
    <label><input type="checkbox" name="locked" value="1" {{#line.locked}}checked{{/line.locked}}> {{t.accountLocked}}</label>
    <label><input type="checkbox" name="administrator" value="1" {{#line.administrator}}checked{{/line.administrator}}> {{t.administrator}}</label>
    <label>{{t.password}}<input type="password" name="portalPassword" autocomplete="new-password"></label>
    <button type="submit" id="edit-submit">{{t.apply}}</button></form>
    {{/content}}{{/layout}}
    """

    /// A page that is not there (or is another tenant's: the same answer) or not for this role.
    static let problem = """
    {{<layout}}{{$content}}
    <h1>{{status}}</h1><p class="error" id="error">{{message}}</p><p><a href="/">← {{t.back}}</a></p>
    {{/content}}{{/layout}}
    """

    static let portal = """
    {{<layout}}{{$content}}
    <h1>{{t.portal}}</h1><h2>{{t.myLine}}</h2><p>{{line.sda}} — {{line.name}}</p><p>{{t.settingsNotYet}}</p>
    {{/content}}{{/layout}}
    """

    static let stylesheet = """
    body{font-family:system-ui,sans-serif;margin:0;color:#1d2733;background:#f5f7fa}
    header{display:flex;justify-content:space-between;align-items:center;background:#0b3d91;color:#fff;padding:.6em 1.2em}
    header a,header button{color:#fff;background:none;border:0;font:inherit;cursor:pointer;margin-left:1em}
    .brand{font-weight:700;font-size:1.2em} main{padding:1em 1.5em;max-width:1200px}
    table{border-collapse:collapse;background:#fff;width:100%;margin:.5em 0}
    th,td{border-bottom:1px solid #dde3ea;padding:.4em .6em;text-align:left;vertical-align:top}
    th{background:#eef2f7} .sheet{width:auto} .sheet th{width:12em}
    .error{color:#a10000;background:#fde8e8;padding:.5em;border-radius:4px} .notice{background:#e6f4ea;padding:.5em;border-radius:4px}
    .grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(14em,1fr));gap:.6em;align-items:end}
    label{display:flex;flex-direction:column;gap:.2em} input,select,textarea,button{font:inherit;padding:.35em}
    textarea{width:100%} .button,button{background:#0b3d91;color:#fff;border:0;border-radius:4px;padding:.35em .8em;text-decoration:none;cursor:pointer}
    .delete{background:#a10000} .ok{color:#1a8f3a} .ko{color:#c62828} .status{font-size:.6em} .inline{display:inline} .login{max-width:22em;margin:3em auto;background:#fff;padding:1.5em;border-radius:6px}
    .login form{display:flex;flex-direction:column;gap:.8em} .tabs a{margin-right:1em}
    """
}
