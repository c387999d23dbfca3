import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from grappe.interop.formats import EXPORTERS, UnknownFormat, get_exporter


class Command(BaseCommand):
    help = "Export the directory: grappe export FORMAT [-o PATH] (standard output by default)."

    def add_arguments(self, parser):
        parser.add_argument("format", nargs="?", help="Format name; run with --list to see them.")
        parser.add_argument("-o", "--output", type=Path, help="File to write.")
        parser.add_argument("--list", action="store_true", help="List the known formats.")

    def handle(self, *args, **options):
        if options["list"] or not options["format"]:
            for name, exporter in sorted(EXPORTERS.items()):
                self.stdout.write(f"{name}\t{exporter.description}")
            return
        try:
            exporter = get_exporter(options["format"])
        except UnknownFormat as error:
            raise CommandError(str(error)) from error
        _filename, _mimetype, content = exporter.render()
        if options["output"]:
            options["output"].write_bytes(content)
            self.stderr.write(f"Wrote {options['output']} ({len(content)} bytes).")
        else:
            sys.stdout.buffer.write(content)
            sys.stdout.flush()
