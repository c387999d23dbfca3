from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse, translate_url
from django.utils.translation import get_language, get_language_info, override

from grappe.accounts.permissions import may_moderate


def languages(request: HttpRequest) -> dict:
    """Links to this same page in each language: plain links work without JavaScript.

    An address that matches no page (a 404) cannot be translated; its links lead to the home
    page of each language rather than back to the same missing page.
    """
    current = get_language()
    path = request.get_full_path()
    links = []
    for code, _name in settings.LANGUAGES:
        info = get_language_info(code)
        url = translate_url(path, code)
        if code != current and url == path:
            with override(code):
                url = reverse("web:home")
        links.append(
            {
                "code": code,
                "name": info["name_local"],
                "url": url,
                "current": code == current,
            }
        )
    return {"language_links": links, "cluster_name": settings.GRAPPE_CLUSTER_NAME}


def roles(request: HttpRequest) -> dict:
    """What the header offers depends on the rules of grappe/accounts/permissions.py."""
    user = getattr(request, "user", None)
    return {"may_moderate": bool(user is not None and may_moderate(user))}
