"""Login lockouts and rate limits see the client, not the proxy in front of Grappe."""

from django.test import RequestFactory, override_settings

from grappe.serving.clients import client_ip


def request(remote: str, forwarded: str | None = None):
    meta = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **meta)


@override_settings(GRAPPE_PROXY_COUNT=0)
def test_without_proxies_a_forged_header_is_ignored():
    assert client_ip(request("203.0.113.7", "198.51.100.1")) == "203.0.113.7"


@override_settings(GRAPPE_PROXY_COUNT=1)
def test_behind_one_proxy_the_address_it_saw_counts_not_what_the_client_claimed():
    # The client claimed 10.0.0.1; the proxy appended the address it really came from.
    assert client_ip(request("127.0.0.1", "10.0.0.1, 198.51.100.9")) == "198.51.100.9"


@override_settings(GRAPPE_PROXY_COUNT=2)
def test_behind_two_proxies_and_a_short_header_the_socket_counts():
    assert client_ip(request("127.0.0.1", "198.51.100.9")) == "127.0.0.1"
    assert client_ip(request("127.0.0.1", "6.6.6.6, 198.51.100.9, 10.0.0.2")) == "198.51.100.9"


@override_settings(GRAPPE_PROXY_COUNT=1)
def test_something_that_is_no_address_is_none():
    """Stored by the login throttle in an IP address column, which PostgreSQL checks."""
    assert client_ip(request("unknown", "not-an-address")) is None
