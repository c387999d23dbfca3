import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def _in_english():
    """Messages are checked in English, whatever the French catalogue will say of them."""
    with translation.override("en"):
        yield
