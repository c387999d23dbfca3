"""`python -m grappe.tenders.notices.cli parse PATH [--json]`: read one notice file and show
what was extracted. `grappe tender parse` is the same command inside the application.

Exit status: 0 when the file was read, 1 with the reason on stderr when it was not, 2 for a
wrong command line.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from grappe.tenders.notices import (
    MAX_NOTICE_BYTES,
    AwardRecord,
    Notice,
    NoticeError,
    read_notice,
    to_jsonable,
)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m grappe.tenders.notices.cli",
        description="Read a call for tenders or an award notice (eForms, BOAMP, DECP, text).",
    )
    commands = parser.add_subparsers(dest="command", required=True)
    parse = commands.add_parser("parse", help="read one notice file")
    parse.add_argument("path", type=Path, help="an XML, JSON or text file")
    parse.add_argument("--json", action="store_true", help="print everything read, as JSON")
    arguments = parser.parse_args(argv)

    path: Path = arguments.path
    try:
        content = read_path(path)
        result = read_notice(content, path.name)
    except NoticeError as error:
        print(f"error: {path}: {error.reason}", file=sys.stderr)
        return 1
    if arguments.json:
        document = (
            to_jsonable(result)
            if isinstance(result, Notice)
            else {"source_format": "decp", "source": path.name, "awards": to_jsonable(result)}
        )
        print(json.dumps(document, ensure_ascii=False, indent=2))
    else:
        print(summary(result))
    return 0


def read_path(path: Path) -> bytes:
    """The file's bytes, refusing what is missing or too large before reading it all."""
    try:
        size = path.stat().st_size
        if size > MAX_NOTICE_BYTES:
            raise NoticeError(
                f"the file is {size / (1024 * 1024):.1f} MB; notices larger than "
                f"{MAX_NOTICE_BYTES // (1024 * 1024)} MB are refused",
                code="too_large",
            )
        return path.read_bytes()
    except FileNotFoundError as error:
        raise NoticeError("no such file", code="missing") from error
    except IsADirectoryError as error:
        raise NoticeError("this is a folder, not a file", code="missing") from error
    except PermissionError as error:
        raise NoticeError("the file cannot be read (permission denied)", code="missing") from error


def summary(result: Notice | list[AwardRecord]) -> str:
    """A few lines a person reads: the notice, its lots and requirements, or the awards."""
    lines: list[str] = []
    awards = result if isinstance(result, list) else result.awards
    if isinstance(result, Notice):
        lines.append(
            f"{result.kind.value} notice ({result.source_format}) {result.notice_id or ''}"
        )
        lines.append(f"  {result.title or '(no title)'}")
        if result.buyer and result.buyer.name:
            lines.append(f"  buyer: {result.buyer.name}")
        if result.submission_deadline:
            lines.append(f"  deadline: {result.submission_deadline.isoformat()}")
        for lot in result.lots:
            cpv = ", ".join(filter(None, [lot.cpv_main, *lot.cpv_additional])) or "no CPV"
            lines.append(f"  lot {lot.id}: {lot.title or '(no title)'} [{cpv}]")
            for requirement in lot.requirements:
                threshold = (
                    f" ≥ {requirement.threshold} {requirement.unit or ''}".rstrip()
                    if requirement.threshold is not None
                    else ""
                )
                subject = f" {requirement.subject}" if requirement.subject else ""
                lines.append(f"    - {requirement.kind.value}{subject}{threshold}")
        for warning in result.warnings:
            lines.append(f"  warning: {warning}")
    for award in awards:
        names = ", ".join(f"{w.name or w.identifier} ({w.role.value})" for w in award.winners)
        amount = f" {award.amount} {award.currency or ''}".rstrip() if award.amount else ""
        lines.append(f"  award {award.lot_id or award.contract_id or ''}:{amount} {names}")
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
