"""DECP shapes the example files do not show: groups of holders, the older v1 list."""

import json
from decimal import Decimal

from grappe.tenders.notices import WinnerRole, decp


def contract(**keys) -> dict:
    return {
        "id": "2025-017",
        "acheteur": {"id": "21330063500017"},
        "objet": "Maintenance du parc informatique",
        "codeCPV": "50312000",
        "montant": 120000,
        "dateNotification": "2025-03-10",
        **keys,
    }


def test_holders_of_a_groupement_are_members_its_mandataire_unnamed():
    document = {
        "marches": {
            "marche": [
                contract(
                    typeGroupementOperateurs="Conjoint",
                    titulaires=[
                        {"titulaire": {"typeIdentifiant": "SIRET", "id": "55204599900869"}},
                        {"titulaire": {"typeIdentifiant": "TVA", "id": "FR32326912557"}},
                    ],
                )
            ]
        }
    }
    [record] = decp.parse(json.dumps(document).encode(), "decp.json")
    assert record.group_type == "Conjoint"
    assert [(w.role, w.siren) for w in record.winners] == [
        (WinnerRole.MEMBER, "552045999"),
        (WinnerRole.MEMBER, "326912557"),  # from the French VAT number
    ]
    assert record.buyer.siret == "21330063500017"
    assert record.notes == []


def test_the_older_v1_list_is_read_too():
    document = {
        "marches": [
            contract(
                titulaires=[
                    {
                        "typeIdentifiant": "SIRET",
                        "id": "55204599900869",
                        "denominationSociale": "ENTREPRISE EXEMPLE",
                    }
                ]
            )
        ]
    }
    [record] = decp.parse(json.dumps(document).encode(), "decp-v1.json")
    [holder] = record.winners
    assert (holder.name, holder.role, holder.siret) == (
        "ENTREPRISE EXEMPLE",
        WinnerRole.SOLE,
        "55204599900869",
    )
    assert record.amount == Decimal(120000)
