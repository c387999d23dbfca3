"""The client's address, as login throttling and rate limits must see it.

Behind N reverse proxies (GRAPPE_PROXY_COUNT=N), the client is the N-th address from the right of
X-Forwarded-For, the one the outermost trusted proxy saw; the addresses left of it are whatever
the client claimed. Without proxies it is the socket's address. Written by hand in a few lines:
django-ipware would be a second dependency for the same rule.
"""

from ipaddress import ip_address

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str | None:
    """None when no address can be told (a request made in a test or by a local script)."""
    proxies = settings.GRAPPE_PROXY_COUNT
    address = request.META.get("REMOTE_ADDR", "")
    if proxies > 0:
        forwarded = [p.strip() for p in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        forwarded = [part for part in forwarded if part]
        if len(forwarded) >= proxies:
            address = forwarded[-proxies]
    try:
        return str(ip_address(address))
    except ValueError:
        return None
