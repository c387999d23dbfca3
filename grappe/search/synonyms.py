"""Words people type for the same thing. Kept small and curated: each line is a group of
equivalent words or expressions, in French and English; a query word found in a group also
searches the others. "Alternative to" links (Word -> LibreOffice) come from the software's own
`alternative_to` field, not from here."""

from functools import cache

from grappe.search.text import fold

SYNONYM_GROUPS: tuple[tuple[str, ...], ...] = (
    ("visio", "visioconférence", "videoconference", "webconférence", "visioconference"),
    ("messagerie", "mail", "email", "courriel", "webmail"),
    ("courrielleur", "client de messagerie", "email client", "mail client"),
    ("hébergement", "hosting", "hébergeur", "infogérance", "hosted"),
    ("tableur", "spreadsheet"),
    ("bureautique", "office"),
    ("cartographie", "sig", "gis", "mapping"),
    ("erp", "pgi"),
    ("ged", "gestion électronique de documents", "document management"),
    ("chat", "tchat", "messagerie instantanée", "instant messaging"),
    ("formation", "training", "cours", "course"),
    ("maintenance", "support", "tma", "assistance"),
    ("sso", "authentification", "authentication", "identity"),
    ("fablab", "fab lab", "tiers-lieu", "makerspace", "hackerspace"),
    ("impression 3d", "3d printing", "imprimante 3d", "3d printer"),
    ("découpe laser", "laser cutter", "laser"),
    ("wiki", "base de connaissances", "knowledge base"),
    ("stockage", "storage", "partage de fichiers", "file sharing", "cloud"),
    ("agenda", "calendrier", "calendar"),
    ("navigateur", "browser"),
    ("démocratie participative", "participation citoyenne", "citizen participation"),
)


@cache
def synonym_index() -> dict[str, tuple[str, ...]]:
    """Folded word or expression -> the other members of its group."""
    index: dict[str, tuple[str, ...]] = {}
    for group in SYNONYM_GROUPS:
        for member in group:
            index[fold(member)] = tuple(other for other in group if other != member)
    return index
