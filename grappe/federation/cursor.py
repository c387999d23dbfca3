"""The feed's cursor: an opaque token for a position in the feed's one stable order.

The order is (change time, kind, id): ties in time are broken by kind, then by id, so a page
boundary never skips or repeats an item. The token is base64 of that triple as JSON; peers
only store it and send it back.
"""

import base64
import binascii
import json
from dataclasses import dataclass
from datetime import datetime

from django.utils.translation import gettext as _

# The kinds as the order sorts them; deletions are a source of their own.
TOMBSTONE = "tombstone"


class InvalidCursor(ValueError):
    """A cursor this instance did not write."""


@dataclass(frozen=True, order=True)
class Position:
    changed_at: datetime
    kind: str
    id: int


def encode(position: Position) -> str:
    triple = [position.changed_at.isoformat(), position.kind, position.id]
    return base64.urlsafe_b64encode(json.dumps(triple).encode()).decode().rstrip("=")


def decode(token: str) -> Position:
    try:
        padded = token + "=" * (-len(token) % 4)
        changed_at, kind, entry_id = json.loads(base64.urlsafe_b64decode(padded.encode()))
        moment = datetime.fromisoformat(changed_at)
        if moment.tzinfo is None or not isinstance(kind, str) or not isinstance(entry_id, int):
            raise ValueError(token)
    except (ValueError, TypeError, binascii.Error, UnicodeDecodeError) as error:
        raise InvalidCursor(
            _("The cursor “%(cursor)s” is not valid.") % {"cursor": token}
        ) from error
    return Position(moment, kind, entry_id)
