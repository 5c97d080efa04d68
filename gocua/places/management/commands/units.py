"""`gocua units merge|absorb|split|move|rename|retire|apply-due|list`: change the map from a decision.

Each works on villages or communes, as the code given names (communes: national administrators).
"""

import datetime as dt
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from gocua.errors import DomainError
from gocua.places import reorg
from gocua.places.models import Level, Reorganisation, Unit

DECIDED = ("merge", "absorb", "split", "move", "rename", "retire")


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"Ngày không hợp lệ / Not a date (YYYY-MM-DD): {text!r}") from None


def _unit(code: str) -> Unit:
    unit = Unit.objects.filter(code=code.strip(), valid_to__isnull=True).select_related("parent").first()
    if unit is None:
        raise CommandError(f"Không có đơn vị mã {code!r} / No current unit with code {code!r}.")
    return unit


class Command(BaseCommand):
    help = "Merge, split, move, rename or retire villages and communes from an official decision."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        for name in DECIDED:
            p = sub.add_parser(name)
            p.add_argument("--decision", required=True, help="Decision number, e.g. 123/NQ-HĐND")
            p.add_argument("--decision-date", required=True, help="YYYY-MM-DD")
            p.add_argument("--issuer", required=True, help="Who issued the decision")
            p.add_argument("--effective", required=True, help="Effective date YYYY-MM-DD (future: scheduled)")
            p.add_argument("--as", dest="username", help="Act as this user (default: the first national admin)")
            p.add_argument("--dry-run", action="store_true", help="Print what would move; write nothing")
        sub.choices["merge"].add_argument("codes", nargs="+", help="Villages (or communes) to merge")
        sub.choices["merge"].add_argument("--name", required=True, help="Name of the new unit")
        sub.choices["merge"].add_argument("--kind", help="Kind of the new unit (thon, ap, ban, to_dan_pho; xa, phuong)")
        sub.choices["merge"].add_argument("--code", help="Official code of a new commune (communes only)")
        sub.choices["absorb"].add_argument("codes", nargs="+", help="Villages (or communes) absorbed")
        sub.choices["absorb"].add_argument("--into", required=True, help="The unit that absorbs them")
        sub.choices["split"].add_argument("code", help="The village to split")
        sub.choices["split"].add_argument(
            "--sheet", required=True,
            help="Village: household key, new village name. Commune: village code, new commune code, new commune "
                 "name (.xlsx/.xls/.ods, or .csv/.txt lines)")
        sub.choices["split"].add_argument("--teams-to", type=int, default=1,
                                          help="Which new unit keeps the teams (1, 2, …)")
        sub.choices["move"].add_argument("code", help="The village (or commune) to move")
        sub.choices["move"].add_argument("--to", required=True, help="The commune (or, for a commune, the province)")
        sub.choices["move"].add_argument("--code", dest="new_code", help="A moved commune's new official code")
        sub.choices["move"].add_argument("--name", help="A moved commune's new name (default: the same)")
        sub.choices["rename"].add_argument("code")
        sub.choices["rename"].add_argument("--name", required=True)
        sub.choices["retire"].add_argument("code")
        sub.add_parser("apply-due", help="Apply scheduled changes whose date has come (for cron; idempotent)")
        sub.add_parser("list", help="List the recorded changes")
        cancel = sub.add_parser("cancel", help="Cancel a scheduled change")
        cancel.add_argument("id", type=int)
        cancel.add_argument("--as", dest="username", help="Act as this user (default: the first national admin)")

    def handle(self, *args, action, **options):
        if action == "apply-due":
            return self._apply_due()
        if action == "cancel":
            change = Reorganisation.objects.filter(pk=options["id"]).first()
            if change is None:
                raise CommandError(f"Không có thay đổi #{options['id']} / No change #{options['id']}.")
            try:
                reorg.reorganisation_cancel(actor=self._actor(options["username"]), reorganisation=change)
            except DomainError as exc:
                raise CommandError(f"{exc.code}: {exc.message}") from None
            self.stdout.write(f"#{change.pk}: đã huỷ / cancelled")
            return
        if action == "list":
            for r in Reorganisation.objects.order_by("-effective_on", "-pk")[:100]:
                self.stdout.write(f"{r.pk}\t{r.effective_on}\t{r.status}\t{r.operation}\t{r.decision_number}")
            return
        try:
            change = self._decided(action, options)
        except DomainError as exc:
            raise CommandError(f"{exc.code}: {exc.message}") from None
        self._print(change, options["dry_run"])

    def _actor(self, username):
        from gocua.accounts.models import Role, User

        users = User.objects.filter(is_active=True)
        user = users.filter(username=username).first() if username else users.filter(
            role=Role.NATIONAL_ADMIN).order_by("pk").first()
        if user is None:
            raise CommandError("Không tìm thấy người dùng / No such active user (use --as USERNAME).")
        return user

    def _decided(self, action, o):
        common = {
            "actor": self._actor(o["username"]),
            "decision": reorg.Decision(o["decision"], _date(o["decision_date"]), o["issuer"]),
            "effective_on": _date(o["effective"]), "dry_run": o["dry_run"],
        }
        if action in ("merge", "absorb"):
            units = [_unit(c) for c in o["codes"]]
            communes = units[0].level == Level.COMMUNE
            if action == "merge" and communes:
                return reorg.commune_merge(communes=units, code=o["code"] or "", name=o["name"], kind=o["kind"] or "xa",
                                           **common)
            if action == "merge":
                return reorg.village_merge(villages=units, name=o["name"], kind=o["kind"], **common)
            into = _unit(o["into"])
            if communes:
                return reorg.commune_absorb(communes=units, into=into, **common)
            return reorg.village_absorb(villages=units, into=into, **common)
        unit = _unit(o["code"])
        if action == "split":
            return self._split(unit, o, common)
        if action == "move" and unit.level == Level.COMMUNE:
            return reorg.commune_move(commune=unit, to_province=_unit(o["to"]), code=o["new_code"] or "",
                                      name=o["name"] or "", **common)
        if action == "move":
            return reorg.village_move(village=unit, to_commune=_unit(o["to"]), **common)
        if action == "rename":
            if unit.level == Level.COMMUNE:
                return reorg.commune_rename(commune=unit, name=o["name"], **common)
            return reorg.village_rename_decided(village=unit, name=o["name"], **common)
        if unit.level == Level.COMMUNE:
            return reorg.commune_retire(commune=unit, **common)
        return reorg.village_retire(village=unit, **common)

    def _split(self, unit, o, common):
        from gocua.households.models import Household
        from gocua.places.sheets import split_parts, split_rows

        path = Path(o["sheet"])
        if not path.is_file():
            raise CommandError(f"Không tìm thấy tệp / File not found: {path}")
        if unit.level == Level.COMMUNE:
            from gocua.places.sheets import commune_split_parts, commune_split_rows

            rows = commune_split_rows(path.read_bytes(), text=path.suffix.lower() in (".csv", ".txt"))
            villages = unit.children.filter(valid_to__isnull=True)
            return reorg.commune_split(commune=unit, parts=commune_split_parts(rows, villages),
                                       teams_to=o["teams_to"] - 1, **common)
        keys = set(Household.objects.filter(village=unit).values_list("household_key", flat=True))
        parts = split_parts(split_rows(path.read_bytes()), keys)
        return reorg.village_split(village=unit, parts=parts, teams_to=o["teams_to"] - 1, **common)

    def _print(self, change, dry_run):
        result = change.result or {}
        moved = ", ".join(f"{k} {v}" for k, v in result.get("moved", {}).items()) or "-"
        if dry_run:
            head = "THỬ, không ghi gì / DRY RUN, nothing written"
        elif change.status == Reorganisation.Status.SCHEDULED:
            head = f"Đã lên lịch / Scheduled for {change.effective_on} (#{change.pk})"
        else:
            head = f"Đã áp dụng / Applied (#{change.pk})"
        self.stdout.write(head)
        if result:
            self.stdout.write(f"  moved: {moved}")
            self.stdout.write(f"  opened: {' '.join(result.get('opened', [])) or '-'}")
            self.stdout.write(f"  closed: {' '.join(result.get('closed', [])) or '-'}")
            for row in result.get("rekeyed", []):
                self.stdout.write(f"  household key {row['from']} → {row['to']} (from {row['village']})")

    def _apply_due(self):
        done = reorg.reorganisations_apply_due()
        for change, error in done:
            if error is None:
                self.stdout.write(f"#{change.pk} {change.operation} {change.decision_number}: applied")
            else:
                self.stderr.write(f"#{change.pk} {change.operation}: {error.code}: {error.message}")
        self.stdout.write(f"{sum(1 for _c, e in done if e is None)} thay đổi đã áp dụng / changes applied.")
