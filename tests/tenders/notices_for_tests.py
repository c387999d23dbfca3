"""Calls for tenders written for the tests, on the demo members' trades (fictional buyers)."""

from grappe.tenders.notices import read_notice
from grappe.tenders.storing import store_notice

HOSTING_AND_TRAINING = """\
Commune de Pessac (fictive)
Objet : hébergement d'une plateforme Nextcloud pour 800 agents et formation des agents
Code NUTS : FRI12
Date limite de remise des offres : 15 janvier 2027 à 12h00

Lot n° 1 : Hébergement Nextcloud certifié HDS
Hébergement infogéré de Nextcloud dans un datacentre situé en France, sauvegardes et
supervision. CPV : 72415000-2
Le candidat doit être certifié HDS (hébergeur de données de santé).
Chiffre d'affaires annuel minimum : 300 000 €.

Lot n° 2 : Formation des agents
Formation des agents à l'usage de Nextcloud et de LibreOffice. CPV : 80533100-0
"""

CLEANING = """\
Ville de Tulle (fictive)
Objet : nettoyage des locaux administratifs
CPV : 90910000-9
Date limite de remise des offres : 3 mars 2027 à 12h00
Prestations de nettoyage des bureaux, vitrerie et sanitaires, trois passages par semaine.
"""


def store_text(text: str, name: str = "notice.txt"):
    return store_notice(read_notice(text.encode(), name))
