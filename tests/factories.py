"""factory_boy factories: valid entries by default, so each test states only what it is about."""

import factory
from django.contrib.auth.models import User

from grappe.accounts.roles import make_curator
from grappe.directory import models as m


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.Organisation

    kind = m.OrganisationKind.COMPANY
    name = factory.Sequence(lambda n: f"Société exemple {n}")
    is_example = True


class SoftwareFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.Software

    name = factory.Sequence(lambda n: f"Logiciel {n}")
    licence = "AGPL-3.0-or-later"


class OfferingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.Offering

    organisation = factory.SubFactory(OrganisationFactory)
    kind = m.OfferingKind.SERVICE
    service_kind = m.ServiceKind.SUPPORT
    title = factory.Sequence(lambda n: f"Offre {n}")


class CertificationSchemeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.CertificationScheme
        django_get_or_create = ("slug",)

    slug = "iso-27001"
    name = "ISO/IEC 27001"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.PostGenerationMethodCall("set_password", "correct horse battery")


def curator(**kwargs) -> User:
    user = UserFactory(**kwargs)
    user.save()
    return make_curator(user)
