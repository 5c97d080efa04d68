"""POST /api/v1/sync: a batch of records made offline, each applied alone.

The batch runs in one transaction and every record in its own savepoint, so a record is
either wholly applied or not at all, and one bad record never rejects the others. The UUID
of each record is UNIQUE in `SyncReceipt` (and in the visit, session, household and resident
tables), so replaying a batch, even two copies at once, never writes a record twice: the
replay finds the receipt and answers `duplicate` with the first answer (e.g. the permanent
household key), or `conflict` when the same UUID comes back with other content.
"""

import fcntl
import hashlib
import json
import logging
import traceback
import uuid as uuid_lib
from contextlib import contextmanager
from dataclasses import dataclass
from types import SimpleNamespace

from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from pydantic import ValidationError

from gocua.errors import CommonErrorCode, DomainError
from gocua.field import handlers
from gocua.field.download import device_member
from gocua.field.errors import FieldErrorCode
from gocua.field.models import SyncReceipt
from gocua.field.schemas import DATA_ADAPTERS, MAX_BATCH_BYTES, MAX_RECORDS
from gocua.indicators.rollups import track
from gocua.lib.bulk import insert_rows
from gocua.outreach.services import visits as visit_services
from gocua.places.models import Level, Unit

logger = logging.getLogger(__name__)


class PayloadTooLarge(DomainError):
    status = 413


class Unprocessable(DomainError):
    status = 422


# --- reading the body ----------------------------------------------------------------------------


def read_batch(request) -> list:
    """Return the list of raw records of the request body; raise a DomainError for a bad body."""
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length > MAX_BATCH_BYTES:
        raise _too_large()
    # Read the stream ourselves: Django's request.body stops at DATA_UPLOAD_MAX_MEMORY_SIZE
    # (2.5 MB) with an HTML error page, and a batch may be up to 5 MB.
    raw = request.read(MAX_BATCH_BYTES + 1)
    if len(raw) > MAX_BATCH_BYTES:
        raise _too_large()
    try:
        body = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        raise DomainError(FieldErrorCode.MALFORMED_JSON) from None
    if not isinstance(body, dict):
        raise Unprocessable(CommonErrorCode.INVALID_INPUT, _("Send a JSON object with a list of records."))
    unknown = sorted(set(body) - {"records"})
    if unknown:
        raise Unprocessable(FieldErrorCode.UNKNOWN_FIELD, _("Unknown field: %(name)s") % {"name": unknown[0]}, field=unknown[0])
    records = body.get("records")
    if not isinstance(records, list):
        raise Unprocessable(CommonErrorCode.INVALID_INPUT, _("“records” must be a list."), field="records")
    if len(records) > MAX_RECORDS:
        raise PayloadTooLarge(
            FieldErrorCode.TOO_MANY_RECORDS, _("A batch holds at most %(n)s records; send the rest in another.") % {"n": MAX_RECORDS}
        )
    return records


def _too_large() -> PayloadTooLarge:
    return PayloadTooLarge(
        FieldErrorCode.BATCH_TOO_LARGE, _("A batch may be at most %(mb)s MB; send fewer records at once.") % {"mb": 5}
    )


# --- parsing one record -------------------------------------------------------------------------


@dataclass
class Parsed:
    key: str  # the UUID as sent, or "#<position>" when there is none
    uuid: uuid_lib.UUID | None = None
    kind: str | None = None
    data: object = None
    digest: str = ""
    error: dict | None = None


def _messages() -> dict:
    return {
        "record_not_object": _("Each record must be a JSON object with uuid, type and data."),
        "uuid_invalid": _("The record's uuid is not a UUID."),
        "type_unknown": _("Unknown record type."),
        "unknown_field": _("Unknown field: %(field)s"),
        "field_missing": _("A required field is missing: %(field)s"),
        "wrong_type": _("This value has the wrong type: %(field)s"),
        "invalid_value": _("This value is not allowed: %(field)s"),
    }


def _error(code: str, field: str | None = None) -> dict:
    return {"code": code, "message": _messages()[code] % {"field": field or ""}, "field": field}


def _code_of(error: dict) -> str:
    kind = error.get("type", "")
    if kind == "extra_forbidden":
        return "unknown_field"
    if kind == "missing":
        return "field_missing"
    if kind.startswith("uuid"):
        return "uuid_invalid"
    if kind.endswith(("_type", "_parsing")) or kind in ("model_attributes_type", "is_instance_of"):
        return "wrong_type"
    return "invalid_value"


# One encoder for every record: json.dumps with options builds a new one per call. The text must
# stay byte for byte what it was, or replays of records uploaded before would read as conflicts.
_DIGEST_ENCODER = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


def digest(raw) -> str:
    return hashlib.sha256(_DIGEST_ENCODER.encode(raw).encode()).hexdigest()


def parse_record(position: int, raw) -> Parsed:
    if not isinstance(raw, dict):
        return Parsed(f"#{position}", error=_error("record_not_object"))
    sent = raw.get("uuid")
    parsed = Parsed(sent if isinstance(sent, str) and sent else f"#{position}", digest=digest(raw))
    unknown = sorted(set(raw) - {"uuid", "type", "data"})
    try:
        parsed.uuid = uuid_lib.UUID(str(sent)) if isinstance(sent, str) else None
    except ValueError:
        parsed.uuid = None
    if parsed.uuid is None:
        parsed.error = _error("uuid_invalid", "uuid")
    elif unknown:
        parsed.error = _error("unknown_field", unknown[0])
    elif not isinstance(raw.get("type"), str) or raw["type"] not in DATA_ADAPTERS:
        parsed.error = _error("type_unknown", "type")
    else:
        parsed.kind = raw["type"]
        try:
            parsed.data = DATA_ADAPTERS[parsed.kind].validate_python(raw.get("data"))
        except ValidationError as exc:
            first = exc.errors()[0]
            names = [p for p in first.get("loc", ()) if isinstance(p, str)]
            parsed.error = _error(_code_of(first), names[-1] if names else "data")
    return parsed


# --- applying ------------------------------------------------------------------------------------


def _replay(parsed: Parsed, receipt: SyncReceipt) -> dict:
    if receipt.content_hash == parsed.digest and receipt.kind == parsed.kind:
        result = {k: v for k, v in receipt.result.items() if k not in ("status", "code", "conflicts")}
        return {"uuid": parsed.key, "status": "duplicate", **result}
    return {
        "uuid": parsed.key, "status": "conflict", "code": "uuid_reused",
        "message": _("This identifier was already used for a record with other content."),
    }


def _apply(batch: handlers.Batch, parsed: Parsed, receipts: dict) -> dict:
    if parsed.error:
        return {"uuid": parsed.key, "status": "rejected", **parsed.error}
    receipt = receipts.get(parsed.uuid)
    if receipt is not None:
        return _replay(parsed, receipt)
    try:
        with transaction.atomic():
            result = handlers.HANDLERS[parsed.kind](batch, parsed.uuid, parsed.data)
            result.setdefault("status", "created")
            receipt = SyncReceipt.objects.create(
                uuid=parsed.uuid, kind=parsed.kind, content_hash=parsed.digest, user=batch.user, device=batch.device,
                result=result,
            )
    except (DomainError, IntegrityError) as exc:
        # Another upload of the same record may have won the race since this batch began
        # (its row made the service refuse, or the UNIQUE constraint fired): its receipt is the answer.
        receipt = SyncReceipt.objects.filter(uuid=parsed.uuid).first()
        if receipt is not None:
            receipts[parsed.uuid] = receipt
            return _replay(parsed, receipt)
        if isinstance(exc, IntegrityError):
            return _failed(parsed, "integrity_error")
        return _refused(parsed, exc)
    except Exception as exc:  # one broken record must not lose the others
        logger.error(
            "sync: %s record failed with %s\n%s", parsed.kind, type(exc).__name__,
            "".join(traceback.format_tb(exc.__traceback__)),  # no message: it may quote personal data
        )
        return _failed(parsed, "server_error")
    receipts[parsed.uuid] = receipt
    return {"uuid": parsed.key, **result}


def _failed(parsed: Parsed, code: str) -> dict:
    return {
        "uuid": parsed.key, "status": "rejected", "code": code,
        "message": _("The server could not apply this record; it was not saved. Try again later."),
    }


# --- taking turns on SQLite ---------------------------------------------------------------------


@contextmanager
def writer_turn():
    """On a SQLite file, queue batch uploads of all worker processes on a file lock.

    SQLite lets one writer in at a time; a transaction that finds the database locked sleeps
    and retries with growing pauses (up to 100 ms), so a batch waiting behind another wakes up
    late. The kernel hands an flock to the next waiter the moment it is released (measured:
    about a fifth more batches per second with two workers, docs/PERFORMANCE.md). PostgreSQL
    (row locks) and in-memory test databases go straight on. A worker that dies releases its lock.
    """
    name = str(connection.settings_dict["NAME"])
    if connection.vendor != "sqlite" or connection.is_in_memory_db():
        yield
        return
    with file_lock(f"{name}-sync.lock"):
        yield


@contextmanager
def file_lock(path: str):
    """Hold an exclusive flock on `path` (created if missing) for the block."""
    with open(path, "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


# --- visits in bulk -------------------------------------------------------------------------------


def _runs(parsed: list[Parsed], receipts: dict):
    """Yield ("visits", [Parsed…]) for runs of new visit records and ("one", Parsed) for the rest, in order.

    A run ends before a UUID it already holds, so a copy inside one batch is answered from the
    first copy's receipt, exactly as one-by-one application would.
    """
    run, uuids = [], set()
    for p in parsed:
        fresh_visit = p.error is None and p.kind == "visit" and p.uuid not in receipts and p.uuid not in uuids
        if fresh_visit:
            run.append(p)
            uuids.add(p.uuid)
            continue
        if run:
            yield "visits", run
            run, uuids = [], set()
        yield "one", p
    if run:
        yield "visits", run


def _apply_visits(batch: handlers.Batch, run: list[Parsed], receipts: dict) -> list[dict]:
    """Apply a run of visit records with one call of `visit_record_many`; same answers as one by one.

    Should the bulk write meet a UNIQUE violation (a concurrent upload of the same records) or
    any unexpected error, its savepoint is rolled back and the run is applied record by record,
    where each record finds the other upload's receipt or fails alone.
    """
    results: dict[int, dict] = {}
    requests, positions = [], []
    for i, p in enumerate(run):
        try:
            requests.append(handlers.visit_input(batch, p.uuid, p.data))
            positions.append(i)
        except DomainError as exc:
            results[i] = _refused(p, exc)
    try:
        with transaction.atomic():
            outcomes = visit_services.visit_record_many(actor=batch.user, visits=requests) if requests else []
            new_receipts = []
            for i, outcome in zip(positions, outcomes, strict=True):
                p = run[i]
                if isinstance(outcome, DomainError):
                    results[i] = _refused(p, outcome)
                    continue
                result = {"status": "created" if outcome.created else "duplicate"}
                new_receipts.append({
                    "uuid": p.uuid, "kind": p.kind, "content_hash": p.digest, "user_id": batch.user.pk,
                    "device_id": batch.device.pk if batch.device else None, "result": result,
                })
                results[i] = {"uuid": p.key, **result}
            insert_rows(SyncReceipt, new_receipts)
    except Exception as exc:  # noqa: BLE001 — the careful path below answers every record
        if not isinstance(exc, IntegrityError):
            logger.error("sync: bulk visits failed with %s; applying one by one", type(exc).__name__)
        return [_apply(batch, p, receipts) for p in run]
    for receipt in new_receipts:  # what a later copy of a record in this batch is answered from
        receipts[receipt["uuid"]] = SimpleNamespace(**receipt)
    return [results[i] for i in range(len(run))]


def _refused(parsed: Parsed, exc: DomainError) -> dict:
    status = "conflict" if exc.status == 409 else "rejected"
    return {"uuid": parsed.key, "status": status, "code": exc.code, "message": str(exc.message), "field": exc.field}


def remap_villages(parsed: list[Parsed]) -> None:
    """Point households registered offline in a village merged or moved since at its successor.

    The record's digest stays that of what the phone sent, so a replay is still a duplicate.
    A village split since has no single successor: the record is refused and says so.
    """
    from gocua.places.selectors import current_successors

    named = {p.data.village for p in parsed if p.error is None and p.kind == "household" and p.data.village}
    closed = {u.code: u for u in Unit.objects.filter(code__in=named, level=Level.VILLAGE).exclude(
        code__in=Unit.objects.filter(code__in=named, valid_to__isnull=True).values("code"))}
    if not closed:
        return
    successor = {}
    for code, old in closed.items():
        found = current_successors(old)
        successor[code] = found[0].code if len(found) == 1 else None
    for p in parsed:
        if p.error is None and p.kind == "household" and p.data.village in successor:
            if successor[p.data.village] is None:
                p.error = {"code": "village_split", "field": "village", "message": _(
                    "This village was split; choose the new village of the household and send it again.")}
            else:
                p.data.village = successor[p.data.village]


def sync_upload(*, actor, device, records: list) -> dict:
    """Apply a batch of raw records; return one result per record and the new households' keys."""
    batch = handlers.Batch(user=actor, device=device, received_at=timezone.now(), member=device_member(actor))
    parsed = [parse_record(i, raw) for i, raw in enumerate(records)]
    remap_villages(parsed)
    household_uuids, resident_uuids = set(), set()
    for p in parsed:
        if p.error is None:
            h, r = handlers.referenced_uuids(p.kind, p.data)
            household_uuids.update(h)
            resident_uuids.update(r)
    results = []
    with writer_turn(), transaction.atomic():
        batch.prefetch(household_uuids, resident_uuids)
        uuids = [p.uuid for p in parsed if p.uuid is not None]
        receipts = {r.uuid: r for r in SyncReceipt.objects.filter(uuid__in=uuids)}
        # One rollup adjustment for every household the batch names, instead of one per write:
        # the services' own `track` blocks see these households tracked and leave them to this one.
        with track(batch.household_ids()):
            for kind, item in _runs(parsed, receipts):
                if kind == "visits":
                    results.extend(_apply_visits(batch, item, receipts))
                else:
                    results.append(_apply(batch, item, receipts))
    keys = [
        {"uuid": r["uuid"], "temp_key": r["temp_key"], "household_key": r["household_key"]}
        for r in results
        if r.get("household_key") and r.get("temp_key")
    ]
    return {"received_at": batch.received_at, "results": results, "household_keys": keys}
