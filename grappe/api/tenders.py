"""Calls for tenders: drop in a notice, read back its lots, the members who can answer each lot
and the teams they could form, with the evidence behind every score.

Reading is public, like the rest of the API. Adding a call for tenders writes to the database,
so it needs an account holding `tenders.add_tender`, by any way grappe/api/auth.py knows: an
API token with the scope "tenders:write", HTTP Basic, or a Django session (CSRF checked, as for
any form of the site). The notice is read and stored by the same functions as `grappe tender
add`; the answers are the shapes of grappe.tenders.exporting, which the site's downloads share.
"""

import json
import logging
from collections.abc import Callable
from functools import wraps
from typing import Annotated, Any
from uuid import UUID

from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.db import DataError
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.http.multipartparser import MultiPartParserError
from django.urls import reverse
from ninja import Path, Query, Router, Status
from ninja.decorators import decorate_view
from ninja.errors import HttpError
from pydantic import AfterValidator, Field

from grappe.api.auth import TENDERS_WRITE, account, challenge
from grappe.api.params import Parameters, printable
from grappe.api.schemas import (
    DeniedOut,
    ErrorOut,
    NotFoundOut,
    NoticeErrorOut,
    TenderMatchesOut,
    TenderOut,
    TenderTeamsOut,
)
from grappe.tenders.exporting import matches_as_dict, teams_as_dict, tender_as_dict
from grappe.tenders.matching import match_lot
from grappe.tenders.models import Lot, Requirement, Tender
from grappe.tenders.notices import MAX_NOTICE_BYTES, Notice, NoticeError, read_notice
from grappe.tenders.storing import store_notice
from grappe.tenders.teaming import DEFAULT_MAX_MEMBERS, DEFAULT_TEAMS, teams_for_lot

router = Router(tags=["tenders"])
logger = logging.getLogger(__name__)

ADD_PERMISSION = "tenders.add_tender"
# Room for the multipart framing and the small fields around a file of the largest size.
MULTIPART_ALLOWANCE = 64 * 1024
MAX_REQUEST_BYTES = MAX_NOTICE_BYTES + MULTIPART_ALLOWANCE
FILENAME_LENGTH = 300  # what a tender keeps of it
LOT_ID_LENGTH = 50  # Lot.lot_id
AWARDS_ARE_IMPORTED = (
    "award data is imported as the winners' references with `grappe tender awards`, "
    "not added as a call for tenders"
)


# What a request may carry.


class Refused(Exception):
    """A notice or a request refused, with the status and the body to answer."""

    def __init__(self, status: int, parameter: str, message: str, code: str = ""):
        self.status = status
        self.body = {
            "detail": f"{parameter}: {message}" if parameter else message,
            "parameter": parameter,
            "code": code,
        }
        super().__init__(self.body["detail"])


def too_large(parameter: str, size: int | None = None) -> Refused:
    limit = MAX_NOTICE_BYTES // (1024 * 1024)
    found = f"the notice is {size / (1024 * 1024):.1f} MB; " if size is not None else ""
    return Refused(
        413, parameter, f"{found}notices larger than {limit} MB are refused", code="too_large"
    )


def within_size_limit(run: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Refuse an oversized body from its announced length, before reading it (and before the
    CSRF check, which would parse it); then read it once, within Django's limits."""

    @wraps(run)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        try:
            announced = int(request.headers.get("Content-Length") or 0)
        except ValueError:
            announced = 0
        try:
            if announced > MAX_REQUEST_BYTES:
                raise too_large("")
            _read_body(request)
        except Refused as refusal:
            return JsonResponse(
                refusal.body, status=refusal.status, json_dumps_params={"ensure_ascii": False}
            )
        return run(request, *args, **kwargs)

    return wrapper


def _read_body(request: HttpRequest) -> None:
    """Parse the body now, so that Django's own refusals become JSON answers."""
    try:
        if request.content_type in ("multipart/form-data", "application/x-www-form-urlencoded"):
            request.POST, request.FILES  # noqa: B018 - parsed and cached on the request
        else:
            request.body  # noqa: B018
    except RequestDataTooBig:
        raise Refused(
            413,
            "text",
            "the request is larger than the server accepts for fields; send a large notice as "
            "a file (multipart/form-data)",
            code="too_large",
        ) from None
    except (MultiPartParserError, SuspiciousOperation) as error:
        raise Refused(400, "", f"the request body cannot be read: {error}") from None


def notice_content(request: HttpRequest) -> tuple[bytes, str | None, str]:
    """The notice's bytes, its file name and the parameter it came in, from a multipart form
    (`file` or `text`, and `filename`) or a JSON object (`text`, `filename`)."""
    if request.content_type in ("multipart/form-data", "application/x-www-form-urlencoded"):
        fields: Any = request.POST
        upload = request.FILES.get("file")
    elif request.content_type == "application/json":
        try:
            fields = json.loads(request.body or b"null")
        except (ValueError, UnicodeDecodeError) as error:
            raise Refused(400, "", f"the JSON body is malformed: {error}") from None
        if not isinstance(fields, dict):
            raise Refused(400, "", 'the JSON body must be an object: {"text": "..."}')
        upload = None
    else:
        raise Refused(
            415,
            "",
            "send the notice as multipart/form-data (a `file` or a `text` field) or as JSON "
            '({"text": "..."})',
            code="unsupported_media_type",
        )
    text = fields.get("text")
    filename = fields.get("filename") or None
    if filename is not None and not isinstance(filename, str):
        raise Refused(400, "filename", "must be a string")
    if filename is not None and len(filename) > FILENAME_LENGTH:
        raise Refused(400, "filename", f"must be at most {FILENAME_LENGTH} characters")
    if text is not None and not isinstance(text, str):
        raise Refused(400, "text", "must be a string")
    if upload is not None and text:
        raise Refused(400, "file", "send either a file or a text, not both")
    if upload is not None:
        if upload.size > MAX_NOTICE_BYTES:
            raise too_large("file", upload.size)
        content, filename, parameter = upload.read(), filename or upload.name, "file"
    elif text:
        content, parameter = text.encode("utf-8"), "text"
        if len(content) > MAX_NOTICE_BYTES:
            raise too_large("text", len(content))
    else:
        raise Refused(400, "file", "send the notice as a `file`, or paste it as `text`")
    if filename and any(ord(character) < 32 for character in filename):
        raise Refused(400, "filename", "must not contain control characters")
    if b"\x00" in content:
        # No notice format holds NUL, and PostgreSQL refuses it in text: say what the file
        # probably is rather than store it on one database and fail on the other.
        raise Refused(
            400,
            parameter,
            "the notice holds NUL characters: it is not text, XML or JSON (a PDF or a "
            "word-processor file?) or it is UTF-16 text; send XML, JSON or UTF-8 text",
            code="binary",
        )
    return content, filename, parameter


def read_call_for_tenders(content: bytes, filename: str | None, parameter: str) -> Notice:
    """The notice, if it is one Grappe can answer: never an award notice nor a DECP file."""
    try:
        result = read_notice(content, filename)
    except NoticeError as error:
        status = 413 if error.code == "too_large" else 400
        raise Refused(status, parameter, error.reason, code=error.code) from None
    if not isinstance(result, Notice):
        raise Refused(
            400,
            parameter,
            f"this is a DECP file: it lists awarded contracts, not a call for tenders; "
            f"{AWARDS_ARE_IMPORTED}",
            code="award_records",
        )
    return result


NOTICE_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "properties": {
                        "file": {
                            "type": "string",
                            "format": "binary",
                            "description": "An eForms or BOAMP XML notice, a BOAMP JSON "
                            "record, or a text file.",
                        },
                        "text": {"type": "string", "description": "The notice, pasted."},
                        "filename": {"type": "string", "maxLength": FILENAME_LENGTH},
                    },
                }
            },
            "application/json": {
                "schema": {
                    "type": "object",
                    "properties": {
                        "text": {"type": "string", "description": "The notice, pasted."},
                        "filename": {"type": "string", "maxLength": FILENAME_LENGTH},
                    },
                    "required": ["text"],
                }
            },
        },
    }
}


# Reading.


TenderId = Annotated[str, Path(description="The call for tenders' `id`, a UUID.")]
LotId = Annotated[str, AfterValidator(printable)]


class LotParameters(Parameters):
    lot: LotId | None = Field(
        None, max_length=LOT_ID_LENGTH, description="One lot's id; else every lot."
    )


class MatchParameters(LotParameters):
    limit: int = Field(20, ge=1, le=200, description="Members per lot, best first: 1 to 200.")


class TeamParameters(LotParameters):
    count: int = Field(DEFAULT_TEAMS, ge=1, le=10, description="Teams per lot: 1 to 10.")
    max_members: int = Field(
        DEFAULT_MAX_MEMBERS, ge=1, le=8, description="Members per team at most: 1 to 8."
    )


def tender_with_lots(tender_id: str, *, requirements: bool = False) -> Tender:
    """The tender with that public id, its lots fetched with it; a 404 for anything else."""
    try:
        public_id = UUID(tender_id)
    except ValueError:
        public_id = None
    lots = Lot.objects.all()
    if requirements:
        lots = lots.prefetch_related(
            Prefetch("requirements", Requirement.objects.select_related("scheme"))
        )
    tender = (
        Tender.objects.filter(public_id=public_id).prefetch_related(Prefetch("lots", lots)).first()
        if public_id
        else None
    )
    if tender is None:
        raise HttpError(404, f"No call for tenders with the id “{tender_id[:100]}”.")
    return tender


def lots_of(tender: Tender, lot_id: str | None) -> list[Lot]:
    """Every lot of the tender, or the one asked for (a 404 when it has no such lot)."""
    lots = list(tender.lots.all())
    if lot_id is None:
        return lots
    chosen = [lot for lot in lots if lot.lot_id == lot_id]
    if not chosen:
        known = ", ".join(lot.lot_id for lot in lots)
        raise HttpError(404, f"No lot “{lot_id}” in this call for tenders (its lots: {known}).")
    return chosen


# The operations.


@router.post(
    "/tenders",
    auth=account(TENDERS_WRITE),
    response={
        201: TenderOut,
        400: NoticeErrorOut,
        401: DeniedOut,
        403: DeniedOut,
        413: NoticeErrorOut,
        429: DeniedOut,
        415: NoticeErrorOut,
    },
    openapi_extra=NOTICE_BODY,
)
@decorate_view(within_size_limit, challenge)
def add_tender(request: HttpRequest, response: HttpResponse, params: Query[Parameters]) -> Any:
    """Read a call for tenders (eForms or BOAMP XML, a BOAMP JSON record, or text, uploaded
    as `file` or pasted as `text`) and keep it, with its lots and the requirements derived from
    them, ready for matching.

    Needs an account with the permission to add calls for tenders (curators have it); an API
    token also needs the scope `tenders:write`. Award notices and DECP files are refused: they
    are imported as references with `grappe tender awards`.
    """
    user = request.auth.user
    if not user.has_perm(ADD_PERMISSION):
        return Status(403, {"detail": "adding a call for tenders needs the curator's permission"})
    try:
        content, filename, parameter = notice_content(request)
        notice = read_call_for_tenders(content, filename, parameter)
        try:
            tender = store_notice(notice, user=user)
        except NoticeError as error:  # an award notice
            raise Refused(400, parameter, error.reason, code=error.code) from None
        except DataError as error:
            # A value read that the database refuses (too long for its column, say): the
            # reader's limits are to fix, but the client gets an answer, not a 500.
            logger.exception("a notice read but not stored: %s", filename or parameter)
            reason = str(error).splitlines()[0] if str(error) else type(error).__name__
            raise Refused(
                400, parameter, f"the notice could not be stored: {reason}", code="unstorable"
            ) from None
    except Refused as refusal:
        return Status(refusal.status, refusal.body)
    response["Location"] = reverse("api:get_tender", kwargs={"tender_id": tender.public_id})
    return Status(201, tender_as_dict(tender_with_lots(str(tender.public_id), requirements=True)))


@router.get("/tenders/{tender_id}", response={200: TenderOut, 400: ErrorOut, 404: NotFoundOut})
def get_tender(request: HttpRequest, tender_id: TenderId, params: Query[Parameters]) -> Any:
    """A call for tenders with its lots and their requirements, as read from its notice and
    edited since."""
    return tender_as_dict(tender_with_lots(tender_id, requirements=True))


@router.get(
    "/tenders/{tender_id}/matches",
    response={200: TenderMatchesOut, 400: ErrorOut, 404: NotFoundOut},
)
def tender_matches(
    request: HttpRequest, tender_id: TenderId, params: Query[MatchParameters]
) -> Any:
    """Per lot, the members who can answer it, best first: a score per requirement with its
    evidence (offerings, references, certifications valid on the deadline), in the response's
    language, and the requirements no member covers."""
    tender = tender_with_lots(tender_id)
    return {
        "tender": tender.public_id,
        "lots": [
            matches_as_dict(match_lot(lot, limit=params.limit))
            for lot in lots_of(tender, params.lot)
        ],
    }


@router.get(
    "/tenders/{tender_id}/consortia",
    response={200: TenderTeamsOut, 400: ErrorOut, 404: NotFoundOut},
)
def tender_consortia(
    request: HttpRequest, tender_id: TenderId, params: Query[TeamParameters]
) -> Any:
    """Per lot, the best teams: one lead (mandataire), co-contractors and subcontractors, who
    answers which requirement, the team's totals against the lot's thresholds, and the coverage
    matrix with its evidence."""
    tender = tender_with_lots(tender_id)
    return {
        "tender": tender.public_id,
        "lots": [
            teams_as_dict(teams_for_lot(lot, count=params.count, max_members=params.max_members))
            for lot in lots_of(tender, params.lot)
        ],
    }
