"""code.gouv.fr's parsers alone: forge accounts, repositories and public bodies, on the real
files and on small broken ones."""

import pytest

from grappe.interop.formats.codegouv import (
    account_key,
    parse_accounts,
    parse_organisations,
    parse_repositories,
    repository_url,
)
from tests.conftest import shared_data

HEADER = (
    "name,organization_name,platform,repository_url,description,is_fork,is_archived,"
    "creation_date,last_update,last_modification,homepage,stars_count,forks_count,license,"
    "open_issues_count,language,topics,software_heritage_exists,software_heritage_url\n"
)


@pytest.fixture(scope="module")
def repositories():
    return parse_repositories(shared_data("codes-sources-fr/repositories.csv").read_bytes())


def test_account_keys_name_an_account_whatever_the_spelling():
    assert account_key("https://gitlab.inria.fr/groups/MoReFEM/") == "gitlab.inria.fr/morefem"
    assert account_key("https://www.github.com/Etalab") == "github.com/etalab"
    assert account_key("https://forgemia.inra.fr") == "forgemia.inra.fr"
    assert account_key("") == ""
    assert repository_url("https://GitHub.com/etalab/codegouv.git/") == (
        "https://github.com/etalab/codegouv"
    )


def test_every_repository_of_the_real_file_is_read_and_forks_are_skipped(repositories):
    assert repositories.errors == []
    skipped = [reason.split(" (")[0] for _location, reason in repositories.skipped]
    assert skipped.count("a fork") == 641
    # 91 repositories are listed twice (once per GitLab group holding them): one entry each,
    # the second row only adds a publisher.
    assert skipped.count("listed again") == 91
    assert len(repositories.repositories) == 9157 - 641
    assert len({r.key for r in repositories.repositories}) == 9157 - 641 - 91
    assert [message for _location, message in repositories.warnings] == [
        "homepage: “http:/griotte.erasme.org” is not a web address, left out",
        "homepage: “natural earth” is not a web address, left out",
    ]


def test_a_repository_becomes_a_software_record(repositories):
    [udata] = [
        r for r in repositories.repositories if r.url.endswith("/datapackage-pipelines-udata")
    ]
    assert udata.location == "repositories.csv: line 2"
    assert udata.account == "github.com/opendatateam"
    assert udata.software == {
        "name": "datapackage-pipelines-udata",
        "repository_url": "https://github.com/opendatateam/datapackage-pipelines-udata",
        "description_fr": "Udata Data Package extensions to Datapackage Pipelines",
        "licence_raw": "MIT License",
        "licence": "MIT",
    }


def test_forge_licence_names_become_spdx_and_archived_repositories_obsolete(repositories):
    licences = {r.software.get("licence") for r in repositories.repositories}
    assert {"MIT", "AGPL-3.0-only", "BSD-3-Clause", "CECILL-2.1", "EUPL-1.2"} <= licences
    assert not any(r.software.get("licence_raw") == "Other" for r in repositories.repositories)
    archived = [r for r in repositories.repositories if "development_status" in r.software]
    assert len(archived) > 300
    assert {r.software["development_status"] for r in archived} == {"obsolete"}
    topics = next(r for r in repositories.repositories if "secmar" in r.software.get("tags", []))
    assert topics.software["tags"][:2] == ["datagouvfr", "direction-affaires-maritimes"]


def test_a_broken_row_is_rejected_with_its_line_and_the_others_are_kept():
    content = (
        HEADER
        + "ok,etalab,GitHub,https://github.com/etalab/ok,,False,False,,,,,0,0,,0,,,False,\n"
        + "bad,etalab,GitHub,not a url,,False,False,,,,,0,0,,0,,,False,\n"
        + ",etalab,GitHub,https://github.com/etalab/x,,False,False,,,,,0,0,,0,,,False,\n"
    ).encode()
    document = parse_repositories(content)
    assert [r.url for r in document.repositories] == ["https://github.com/etalab/ok"]
    assert document.errors == [
        ("repositories.csv: line 3", "repository_url: “not a url” is not a web address"),
        ("repositories.csv: line 4", "name: empty"),
    ]


def test_the_real_organisations_read_the_same_from_csv_and_json():
    from_csv = parse_organisations(shared_data("codes-sources-fr/organizations.csv").read_bytes())
    from_json = parse_organisations(
        shared_data("codes-sources-fr/organizations.json").read_bytes(), "organizations.json"
    )
    assert from_csv.errors == from_json.errors == []
    assert len(from_csv.accounts) == len(from_json.accounts) == 1257
    assert [a.account for a in from_csv.accounts] == [a.account for a in from_json.accounts]
    stemjail = from_csv.accounts[0]
    assert stemjail.organisation == {
        "kind": "public_body",
        "name": "StemJail",
        "description_fr": "Evolving jails for user activities",
        "website": "https://stemjail.github.io/",
        "logo_url": "https://avatars.githubusercontent.com/u/11247804?v=4",
        "tags": ["forge:github.com/stemjail"],
    }
    # The same login on three forges is three accounts.
    assert {a.account for a in from_csv.accounts if a.account.endswith("/open-source")} == {
        "git.unicaen.fr/open-source",
        "git.beta.pole-emploi.fr/open-source",
        "git.ademe.fr/open-source",
    }
    assert from_csv.warnings == [
        ("organizations.csv: line 1024", "email: “contacŧ@opencti.io” is not an e-mail address, "
         "left out"),
    ]  # fmt: skip


def test_the_real_accounts_group_under_the_public_body_that_owns_them():
    document = parse_accounts(shared_data("codegouvfr/comptes-organismes-publics.yml").read_bytes())
    assert document.errors == []
    assert len(document.bodies) == 165
    # Accounts naming only a sector ("Fonction publique territoriale") have no owner to import.
    assert len(document.skipped) == 8
    poitiers = document.bodies[0]
    assert poitiers.name == "Université de Poitiers"
    assert poitiers.accounts == ["git.lias-lab.fr", "github.com/lias-laboratory"]
    assert poitiers.directory_ids == ["d886e04e-b4ad-4f72-8a74-41969fc5fe31"]
    [lyon] = [b for b in document.bodies if b.name == "Lyon Métropole"]
    assert lyon.accounts == ["forge.grandlyon.com", "github.com/erasme"]
    assert lyon.related == ["Fonction publique territoriale"]


def test_a_yaml_file_that_is_not_a_mapping_of_accounts_is_refused():
    assert parse_accounts(b"- a\n- b\n").errors == [
        (
            "comptes-organismes-publics.yml: file",
            "expected a mapping of account addresses to their bodies",
        )
    ]
    [(location, reason)] = parse_accounts(b"https://github.com/x:\n  service_of: [a\n").errors
    assert location.startswith("comptes-organismes-publics.yml: line ")
    assert reason.startswith("not valid YAML")
