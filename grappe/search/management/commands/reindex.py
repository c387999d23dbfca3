import time

from django.core.management.base import BaseCommand

from grappe.search.indexing import reindex_all


class Command(BaseCommand):
    help = "Rebuild the whole search index from the directory."

    def handle(self, *args, **options):
        started = time.perf_counter()
        counts = reindex_all()
        summary = ", ".join(f"{count} {kind}" for kind, count in counts.items())
        self.stdout.write(f"Indexed {summary} in {time.perf_counter() - started:.1f} s.")
