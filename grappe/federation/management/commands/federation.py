"""grappe federation add URL [--name NAME] | list | pull [NAME]"""

from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from grappe.federation.client import PeerError, http_fetch, parse_page
from grappe.federation.models import Peer
from grappe.federation.pull import pull

NAME_TIMEOUT = 5.0  # seconds to learn a new peer's name from its feed


class Command(BaseCommand):
    help = "Pull other Grappe instances' entries: add a peer, list the peers, pull."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        add = actions.add_parser("add", help="Add a peer by its base URL.")
        add.add_argument("url", help="The peer's address, such as https://grappe.example.org")
        add.add_argument("--name", default="", help="Its name here (default: the name it gives).")
        actions.add_parser("list", help="List the peers and how their last pull went.")
        pull_parser = actions.add_parser("pull", help="Pull every peer, or the one named.")
        pull_parser.add_argument("name", nargs="?", default="", help="Pull only this peer.")
        pull_parser.add_argument(
            "--timeout", type=float, default=30.0, help="Seconds to wait for each page."
        )

    def handle(self, *args, action: str, **options) -> None:
        if action == "add":
            self.add(options["url"], options["name"])
        elif action == "list":
            self.list_peers()
        else:
            self.pull(options["name"], options["timeout"])

    def add(self, url: str, name: str) -> None:
        url = url.strip().rstrip("/")
        if urlsplit(url).scheme not in ("http", "https"):
            raise CommandError(_("“%(url)s” is not an http(s) address.") % {"url": url})
        if Peer.objects.filter(base_url=url).exists():
            raise CommandError(_("%(url)s is already a peer.") % {"url": url})
        if not name:
            name = self.name_given_by(url)
        if Peer.objects.filter(name=name).exists():
            raise CommandError(
                _("A peer is already named “%(name)s”: choose another with --name.")
                % {"name": name}
            )
        peer = Peer(name=name, base_url=url, slug=Peer.free_slug(name, url))
        try:
            peer.full_clean()
        except ValidationError as error:
            raise CommandError("; ".join(error.messages)) from error
        peer.save()
        self.stdout.write(
            _(
                "Added peer “%(name)s” (%(url)s); its entries get the prefix “%(slug)s-” when "
                "their slug is taken here."
            )
            % {"name": peer.name, "url": peer.base_url, "slug": peer.slug}
        )

    def name_given_by(self, url: str) -> str:
        """The name the peer's feed gives itself, or else its host."""
        feed_url = Peer(base_url=url).feed_url
        try:
            page = parse_page(http_fetch(feed_url, NAME_TIMEOUT), feed_url)
        except PeerError as error:
            self.stderr.write(_("Could not read the peer's name: %(error)s") % {"error": error})
            return urlsplit(url).netloc
        return page.instance.get("name", "").strip()[:100] or urlsplit(url).netloc

    def list_peers(self) -> None:
        peers = Peer.objects.all()
        if not peers:
            self.stdout.write(_("No peers yet: grappe federation add URL"))
        for peer in peers:
            if peer.last_pull_at is None:
                state = _("never pulled")
            elif peer.last_error:
                state = _("last pull %(when)s: %(error)s") % {
                    "when": peer.last_pull_at.isoformat(timespec="seconds"),
                    "error": peer.last_error.splitlines()[0],
                }
            else:
                state = _("last pull %(when)s: ok") % {
                    "when": peer.last_pull_at.isoformat(timespec="seconds")
                }
            self.stdout.write(f"{peer.name}\t{peer.base_url}\t{state}")

    def pull(self, name: str, timeout: float) -> None:
        peers = Peer.objects.filter(name=name) if name else Peer.objects.all()
        if name and not peers:
            raise CommandError(_("No peer is named “%(name)s”.") % {"name": name})
        failed = []
        for peer in peers:
            report = pull(peer, timeout=timeout)
            self.stdout.write(report.as_text())
            if not report.ok:
                failed.append(peer.name)
        if failed:
            raise CommandError(
                _("Some entries or peers could not be pulled: %(peers)s.")
                % {"peers": ", ".join(failed)}
            )
