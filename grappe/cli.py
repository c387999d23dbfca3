"""The `grappe` command: Django's management commands under the project's own name.

grappe serve            migrate if needed, then serve on http://127.0.0.1:8000
grappe demo             load the demo data (twice changes nothing)
grappe import FORMAT PATH / grappe export FORMAT
grappe createcurator NAME
grappe help             every other command (migrate, shell, ...)
"""

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "grappe.settings")
    from django.core.management import execute_from_command_line

    argv = list(sys.argv if argv is None else argv)
    argv[0] = "grappe"
    if len(argv) == 1 or argv[1] in {"-h", "--help"}:
        print(__doc__)
        argv = [argv[0], "help"]
    execute_from_command_line(argv)


if __name__ == "__main__":
    main()
