/// Every word the portals show, in French (the seed's own wording, the default) and English.
enum PortalLanguage: String, Sendable {
    case fr
    case en

    var labels: [String: String] { self == .fr ? Labels.fr : Labels.en }
}

enum Labels {
    static let fr: [String: String] = [
        "lang": "fr", "other": "en", "otherName": "English",
        "title": "Pieuvre", "authentication": "Authentification", "login": "Login", "password": "Mot de passe", "submit": "Valider",
        "badLogin": "Login ou mot de passe incorrect.", "logout": "Déconnexion",
        "clients": "Clients", "createdOn": "Date de création", "reference": "Référence", "companyName": "Raison sociale",
        "clientSheet": "Fiche client", "search": "Rechercher... dans tous les champs", "newClient": "Nouveau client",
        "siret": "Numéro de SIRET", "address": "Adresse", "postalCode": "Code postal", "city": "Ville", "reseller": "Revendeur",
        "active": "Actif", "locked": "Verrouillé", "information": "Informations", "platformAccount": "Compte MetaCentrex",
        "users": "Liste des utilisateurs", "sda": "SDA", "name": "Nom", "licence": "Licence", "site": "Site",
        "accountLocked": "Compte verrouillé", "unlocked": "Déverrouillé", "presentedNumber": "N° à présenter",
        "internationalRestriction": "Restriction internationale", "actions": "Actions", "administrator": "Administrateur",
        "provisionMAC": "Provisionner @MAC", "mac": "@MAC", "macAddress": "Adresse MAC", "model": "Modèle", "description": "Description",
        "phones": "Liste des téléphones", "delete": "Supprimer", "confirmDelete": "Supprimer ce téléphone ?",
        "importTitle": "Ajouter des adresses MAC par lot ou bloc.", "import": "Importer", "preview": "Aperçu",
        "csv": "Fichier CSV (mac,model,sda,description)", "block": "Bloc", "firstMac": "Première adresse MAC", "count": "Nombre",
        "previewOk": "lignes valides : cliquez sur Importer pour les ajouter.", "imported": "téléphones importés.",
        "nothingImported": "Rien n'a été importé. Lignes refusées :", "line": "Ligne",
        "window": "Fenêtre de provisionnement", "openUntil": "ouverte jusqu'au", "closed": "fermée",
        "authenticated": "authentifié", "notAuthenticated": "jamais authentifié",
        "phonesInDepartment": "Téléphones dans le département", "assignedTo": "Affectation à", "department": "Département",
        "select": "--Sélectionner--", "assignDepartment": "Assigner au département", "enterNumber": "Entrer le numéro...",
        "assignLine": "Assigner à la ligne", "changePhone": "Changer le téléphone",
        "changeHelp": "Changez la configuration du téléphone, puis cliquez sur Appliquer.", "phoneModel": "Modèle de téléphone",
        "assignedToLine": "Affecté à la ligne ?", "authenticatedAt": "Téléphone authentifié à", "authenticateUntil": "Authentifier jusqu'à",
        "nextHour": "Autoriser l'authentification pendant l'heure qui suit", "apply": "Appliquer", "reopen": "Rouvrir le provisionnement",
        "log": "Journal de provisionnement", "time": "Heure", "file": "Fichier", "ip": "Adresse IP", "outcome": "Résultat",
        "back": "Retour", "saved": "Modifications enregistrées.", "portal": "Portail", "myLine": "Ma ligne",
        "settingsNotYet": "Les paramètres des touches arrivent bientôt dans ce portail.",
        "newLine": "Nouvel utilisateur", "editPresented": "Modifier n° à présenter", "change": "Modifier",
        "departments": "Départements", "newDepartment": "Nouveau département", "parent": "Département parent", "none": "(aucun)",
        "rename": "Renommer", "newName": "Nouveau nom", "moveLine": "Déplacer une ligne", "line2": "Ligne", "move": "Déplacer",
        "profiles": "Profils de téléphone", "manageProfiles": "gérer vos profils de téléphone", "layer": "Niveau", "customerLayer": "Client (tous les téléphones)",
        "setting": "Paramètre", "value": "Valeur", "lock": "Verrouiller", "effective": "Valeur effective", "source": "Origine", "inherit": "(hérité)",
    ]

    static let en: [String: String] = [
        "lang": "en", "other": "fr", "otherName": "Français",
        "title": "Pieuvre", "authentication": "Sign in", "login": "Login", "password": "Password", "submit": "Submit",
        "badLogin": "Wrong login or password.", "logout": "Sign out",
        "clients": "Customers", "createdOn": "Created on", "reference": "Reference", "companyName": "Company name",
        "clientSheet": "Customer record", "search": "Search... in all fields", "newClient": "New customer",
        "siret": "SIRET number", "address": "Address", "postalCode": "Postal code", "city": "City", "reseller": "Reseller",
        "active": "Active", "locked": "Locked", "information": "Information", "platformAccount": "Platform account",
        "users": "Users", "sda": "Number", "name": "Name", "licence": "Licence", "site": "Site",
        "accountLocked": "Account locked", "unlocked": "Unlocked", "presentedNumber": "Presented number",
        "internationalRestriction": "International restriction", "actions": "Actions", "administrator": "Administrator",
        "provisionMAC": "Provision MAC", "mac": "MAC", "macAddress": "MAC address", "model": "Model", "description": "Description",
        "phones": "Phone list", "delete": "Delete", "confirmDelete": "Delete this phone?",
        "importTitle": "Add MAC addresses by batch or block.", "import": "Import", "preview": "Preview",
        "csv": "CSV file (mac,model,sda,description)", "block": "Block", "firstMac": "First MAC address", "count": "Count",
        "previewOk": "valid lines: click Import to add them.", "imported": "phones imported.",
        "nothingImported": "Nothing was imported. Refused lines:", "line": "Line",
        "window": "Provisioning window", "openUntil": "open until", "closed": "closed",
        "authenticated": "authenticated", "notAuthenticated": "never authenticated",
        "phonesInDepartment": "Phones in the department", "assignedTo": "Assigned to", "department": "Department",
        "select": "--Select--", "assignDepartment": "Assign to department", "enterNumber": "Enter the number...",
        "assignLine": "Assign to line", "changePhone": "Change phone",
        "changeHelp": "Change the phone's configuration, then click Apply.", "phoneModel": "Phone model",
        "assignedToLine": "Assigned to line?", "authenticatedAt": "Phone authenticated at", "authenticateUntil": "Authenticate until",
        "nextHour": "Allow authentication for the next hour", "apply": "Apply", "reopen": "Re-open provisioning",
        "log": "Provisioning log", "time": "Time", "file": "File", "ip": "IP address", "outcome": "Outcome",
        "back": "Back", "saved": "Changes saved.", "portal": "Portal", "myLine": "My line",
        "settingsNotYet": "Key settings are coming to this portal soon.",
        "newLine": "New user", "editPresented": "Change presented number", "change": "Change",
        "departments": "Departments", "newDepartment": "New department", "parent": "Parent department", "none": "(none)",
        "rename": "Rename", "newName": "New name", "moveLine": "Move a line", "line2": "Line", "move": "Move",
        "profiles": "Phone profiles", "manageProfiles": "manage your phone profiles", "layer": "Level", "customerLayer": "Customer (every phone)",
        "setting": "Setting", "value": "Value", "lock": "Lock", "effective": "Effective value", "source": "Comes from", "inherit": "(inherited)",
    ]
}
