from django.conf import settings
from django.http import HttpRequest
from django.urls import translate_url
from django.utils.translation import get_language, get_language_info


def languages(request: HttpRequest) -> dict:
    """Links to this same page in each language: plain links work without JavaScript."""
    current = get_language()
    links = []
    for code, _name in settings.LANGUAGES:
        info = get_language_info(code)
        links.append(
            {
                "code": code,
                "name": info["name_local"],
                "url": translate_url(request.get_full_path(), code),
                "current": code == current,
            }
        )
    return {"language_links": links, "cluster_name": settings.GRAPPE_CLUSTER_NAME}
