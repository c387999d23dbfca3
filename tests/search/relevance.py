"""The labelled queries that pin search relevance on real data (the SILL plus the demo data).

Each query lists the software a user expects in the first five results. Kept apart from the
test so that `bench/relevance.py` prints the same figures for docs/benchmarks.md.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Labelled:
    query: str
    expected: tuple[str, ...]  # software names, any order
    note: str = ""


QUERIES: tuple[Labelled, ...] = (
    Labelled("suite bureautique", ("LibreOffice",)),
    Labelled("office suite", ("LibreOffice",), "English"),
    Labelled("Word", ("LibreOffice",), "alternative to"),
    Labelled("alternative à Excel", ("LibreOffice",), "alternative to"),
    Labelled("Outlook", ("Thunderbird", "BlueMind"), "alternative to"),
    Labelled("Exchange", ("BlueMind", "Zimbra"), "alternative to"),
    Labelled("courrielleur", ("Thunderbird",)),
    Labelled("webmail", ("Roundcube", "SOGo", "Zimbra")),
    Labelled("visio", ("BigBlueButton", "Jitsi Meet"), "synonym"),
    Labelled("visioconference", ("BigBlueButton",), "no accent"),
    Labelled("bigbluebuton", ("BigBlueButton",), "typo"),
    Labelled("nextclud", ("Nextcloud",), "typo"),
    Labelled("thunderbrid", ("Thunderbird",), "typo"),
    Labelled("postgre", ("PostgreSQL",), "prefix"),
    Labelled("partage de fichiers", ("Nextcloud", "Samba", "LinShare")),
    Labelled("file sharing", ("Nextcloud", "Samba", "LinShare"), "English"),
    Labelled("gestion de parc", ("GLPI",)),
    Labelled("inventaire réseau", ("OCS Inventory NG", "FusionInventory", "Agent OCS")),
    Labelled("supervision", ("Centreon", "Shinken", "Prometheus", "Grafana", "Nagios")),
    Labelled("base de données relationnelle", ("PostgreSQL", "MariaDB Server")),
    Labelled("systeme d'information geographique", ("QGIS",), "no accent"),
    Labelled("antivirus", ("ClamAV",)),
    Labelled("gestionnaire de mots de passe", ("KeePass", "KeeFox")),
    Labelled("password manager", ("KeePass", "KeeFox"), "English"),
    Labelled("SSO", ("Keycloak", "LemonLDAP::NG")),
    Labelled("montage vidéo", ("OpenShot", "Avidemux")),
    Labelled("dessin vectoriel", ("Inkscape",)),
    Labelled("wiki", ("MediaWiki", "XWiki")),
    Labelled("gestion de projet", ("Redmine", "ProjectLibre", "ProjeQtOr")),
    Labelled("plateforme d'apprentissage", ("Moodle", "Chamilo", "Open EDX")),
    Labelled("participation citoyenne", ("Decidim",)),
    Labelled("sondage", ("Framadate", "Limesurvey")),
    Labelled("statistiques de fréquentation", ("Matomo",)),
    Labelled("serveur web", ("Apache HTTP Server", "Nginx")),
    Labelled("conteneurs", ("Docker", "Kubernetes", "Rancher")),
    Labelled("hyperviseur", ("KVM", "Proxmox VE", "XCP-ng")),
    Labelled("lecteur pdf", ("SumatraPDF", "MuPDF")),
    Labelled("lecteur multimédia", ("VLC",)),
    Labelled("navigateur web", ("Firefox", "Chromium")),
    Labelled("messagerie instantanée", ("Rocket.Chat", "Element (Matrix)", "Mattermost")),
    Labelled("forum", ("Discourse", "phpBB")),
    Labelled("capture d'écran", ("GreenShot",)),
    Labelled("compression de fichiers", ("7zip",)),
)


def evaluate(search_names) -> dict:
    """recall@5 (share of the expected entries found in the top 5, capped at 5) and MRR."""
    recalls, reciprocal_ranks, misses = [], [], []
    for labelled in QUERIES:
        names = [name.casefold() for name in search_names(labelled.query)[:5]]
        expected = {name.casefold() for name in labelled.expected}
        found = expected & set(names)
        recalls.append(len(found) / min(len(expected), 5))
        rank = next((i + 1 for i, name in enumerate(names) if name in expected), None)
        reciprocal_ranks.append(1 / rank if rank else 0.0)
        if not found:
            misses.append((labelled.query, names))
    return {
        "queries": len(QUERIES),
        "recall_at_5": round(sum(recalls) / len(recalls), 3),
        "mrr": round(sum(reciprocal_ranks) / len(reciprocal_ranks), 3),
        "misses": misses,
    }
