"""Roles as permission groups, defined once and kept in step with the models by every migrate.

Curators keep the index true: they may add, change and delete every directory entry and see and
restore its history in the back office; they see memberships and proposals there too (they decide
on them on their own pages). Ambassadors are named by administrators, with a territory on the
account's profile.
"""

from django.contrib.auth.models import Group, Permission, User
from django.db import transaction

CURATORS = "Curators"
CURATED_APPS = ("directory", "geo", "tenders", "needs")
SEEN_BY_CURATORS = ("membership", "proposal")


def ensure_role_groups(**kwargs) -> None:
    curators, _created = Group.objects.get_or_create(name=CURATORS)
    permissions = Permission.objects.filter(content_type__app_label__in=CURATED_APPS)
    curators.permissions.add(*permissions)
    seen = Permission.objects.filter(
        content_type__app_label="accounts",
        content_type__model__in=SEEN_BY_CURATORS,
        codename__startswith="view_",
    )
    curators.permissions.add(*seen)


@transaction.atomic
def make_curator(user: User) -> User:
    """Give a user the back office and the curator's permissions."""
    ensure_role_groups()
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    user.groups.add(Group.objects.get(name=CURATORS))
    return user
