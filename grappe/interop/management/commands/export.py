import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from grappe.interop.formats import EXPORTERS, UnknownFormat, get_exporter


class Command(BaseCommand):
    help = (
        "Export the directory: grappe export FORMAT [PATH] or FORMAT -o PATH "
        "(standard output by default)."
    )

    def add_arguments(self, parser):
        parser.add_argument("format", nargs="?", help="Format name; run with --list to see them.")
        parser.add_argument("path", nargs="?", type=Path, help="File to write (as -o).")
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
        output: Path | None = options["output"] or options["path"]
        if options["output"] and options["path"] and options["output"] != options["path"]:
            raise CommandError("Give the file to write once: as PATH or as -o, not both.")
        _filename, _mimetype, content = exporter.render()
        if output:
            output.write_bytes(content)
            self.stderr.write(f"Wrote {output} ({len(content)} bytes).")
        else:
            sys.stdout.buffer.write(content)
            sys.stdout.flush()
