"""The client's address, as login throttling and rate limits must see it.

Behind N reverse proxies (GRAPPE_PROXY_COUNT=N), the client is the N-th address from the right of
X-Forwarded-For, the one the outermost trusted proxy saw; the addresses left of it are whatever
the client claimed. Without proxies it is the socket's address. Written by hand in a few lines:
django-ipware would be a second dependency for the same rule.
"""

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str:
    proxies = settings.GRAPPE_PROXY_COUNT
    remote = request.META.get("REMOTE_ADDR", "") or "unknown"
    if proxies <= 0:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded = [part for part in forwarded if part]
    return forwarded[-proxies] if len(forwarded) >= proxies else remote
