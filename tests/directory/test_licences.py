import json

import pytest

from grappe.directory.licences import is_valid_spdx, normalise_licence
from tests.conftest import shared_data


@pytest.mark.parametrize(
    ("raw", "spdx"),
    [
        ("AGPL-3.0-or-later", "AGPL-3.0-or-later"),
        ("GPL-3.0", "GPL-3.0-only"),
        ("GPLv3", "GPL-3.0-only"),
        ("AGPLv3+", "AGPL-3.0-or-later"),
        ("GPL-2.0+", "GPL-2.0-or-later"),
        ("GPL V2.0", "GPL-2.0-only"),
        ("LGPL-v2.1", "LGPL-2.1-only"),
        ("LGPL-2.1 or later", "LGPL-2.1-or-later"),
        ("Apache 2.0", "Apache-2.0"),
        ("Apache License 2.0", "Apache-2.0"),
        ("EUPL 1.2", "EUPL-1.2"),
        ("CeCILL", "CECILL-2.1"),
        ("BSD-3.0", "BSD-3-Clause"),
        ("MPL 2.0 et EPL 1.0", "MPL-2.0 AND EPL-1.0"),
        ("GPL-2.0-only / LGPL-2.0-only", "GPL-2.0-only OR LGPL-2.0-only"),
        ("LGPL-2.1, LGPL-2.0,  LGPL-3.0", "LGPL-2.1-only OR LGPL-2.0-only OR LGPL-3.0-only"),
        ("(MIT OR Apache-2.0) AND BSD-3-Clause", "(MIT OR Apache-2.0) AND BSD-3-Clause"),
        (
            "GPL-2.0-or-later WITH Classpath-exception-2.0",
            "GPL-2.0-or-later WITH Classpath-exception-2.0",
        ),
    ],
)
def test_messy_licences_become_spdx(raw, spdx):
    result = normalise_licence(raw)
    assert result.spdx == spdx
    assert result.raw == raw


@pytest.mark.parametrize("raw", ["N/A", "", "CPA", "CeCILL-2.2", "Licence maison"])
def test_unknown_licences_are_kept_raw_with_a_reason(raw):
    result = normalise_licence(raw)
    assert result.spdx is None
    assert result.problem


def test_every_licence_of_the_sill_is_understood_or_explained():
    """On the real SILL: all but a handful of strings normalise; the rest say why not."""
    entries = json.loads(shared_data("sill/sill.json").read_text())
    results = [normalise_licence(entry["l"]) for entry in entries]
    unknown = sorted({r.raw for r in results if r.spdx is None})
    assert unknown == ["CPA", "MPL-2.0, GPL-2.0, LGPL-2.0, CeCILL-2.2", "N/A"]
    assert all(is_valid_spdx(r.spdx) for r in results if r.spdx)
    assert sum(r.spdx is not None for r in results) >= 234
