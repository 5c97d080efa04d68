"""The demo data set: Thôn Tháp Thượng and its neighbours, with one login per role.

Everything is created through the real services, as a person would through the pages, so the
demo exercises the same rules (permissions, validation, indicator history). The one exception
is the first national administrator: `account_create` needs an actor who outranks the new
account, and before the demo runs nobody exists, so `quantri` is created directly (as
`createsuperuser` would) and its creation is written to the audit log by hand.

Each entity is found by its natural key before it is created (village by name in its commune,
team by name, member by name, household by key, account by user name), so a second run creates
nothing. The people are drawn from a RNG seeded by the village name, so every run plans the same
people, whatever already exists.
"""

import datetime as dt
import random
from collections import Counter
from dataclasses import dataclass, field

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from gocua.accounts import services as account_services
from gocua.accounts.models import AuditEvent, Role, User
from gocua.accounts.permissions import can_edit_registry
from gocua.bench import people
from gocua.bench.units import ensure_units
from gocua.errors import CommonErrorCode, DomainError
from gocua.households import services as household_services
from gocua.households.models import Household
from gocua.lib.text import fold
from gocua.places import services as place_services
from gocua.places.models import Kind, Unit
from gocua.teams import services as team_services
from gocua.teams.models import Member, Team

DEFAULT_PASSWORD = "gocua-demo"
THAP_THUONG = "Thôn Tháp Thượng"
LEADER = "Bùi Văn Trường"  # the real leader, as named in the source article
THAP_THUONG_MEMBERS = [
    # (full name, role, strengths, phone)
    (LEADER, "leader", [], "0983461275"),
    ("Nguyễn Thu Hằng", "deputy", ["youth_union"], "0912708354"),
    ("Đỗ Văn Tuấn", "member", ["youth_union"], "0368215947"),
    ("Bùi Thị Hạnh", "member", ["youth_union", "it_trained"], "0865392018"),
    ("Nguyễn Minh Đức", "member", ["it_trained"], "0904617382"),
    ("Nguyễn Văn Khánh", "member", ["elderly"], "0947120586"),
    ("Đỗ Thị Thơm", "member", ["elderly"], "0388904163"),
]
MEMBER_LOGIN = "Đỗ Văn Tuấn"  # the youth-union member behind the `thanhvien` login
RESIDENT_FROM_ARTICLE = "Đỗ Xuân Dương"  # a resident quoted in the article


@dataclass(frozen=True)
class VillageSpec:
    commune: str
    name: str
    key_prefix: str
    households: int
    team_size: int
    founded_on: dt.date
    profile: people.Profile


VILLAGES = [
    VillageSpec(
        "09784", THAP_THUONG, "TT", 100, 7, dt.date(2022, 9, 20), people.Profile(1.05, 0.85, 0.18, 0.4)
    ),
    VillageSpec(
        "09784", "Thôn Tháp Hạ", "TH", 24, 5, dt.date(2022, 10, 5), people.Profile(0.85, 0.6, 0.15, 0.3)
    ),
    VillageSpec(
        "09784", "Thôn Đại Phùng", "ĐP", 20, 6, dt.date(2023, 3, 12), people.Profile(0.75, 0.5, 0.2, 0.25)
    ),
    VillageSpec(
        "09784", "Thôn Thượng Hội", "THH", 16, 4, dt.date(2023, 8, 1), people.Profile(0.95, 0.7, 0.15, 0.3)
    ),
    # Thành phố Huế (province 46): a farming and fishing village of Xã Quảng Điền.
    VillageSpec(
        "19867", "Thôn Phước Yên", "PY", 18, 5, dt.date(2023, 5, 19), people.Profile(0.7, 0.55, 0.25, 0.3)
    ),
]
# (user name, role, scope: a unit code or a village name, member name)
ACCOUNTS = [
    ("quantri", Role.NATIONAL_ADMIN, "VN", None),
    ("hanoi", Role.PROVINCE_OFFICER, "01", None),
    ("danphuong", Role.COMMUNE_OFFICER, "09784", None),
    ("totruong", Role.TEAM_LEADER, THAP_THUONG, LEADER),
    ("thanhvien", Role.TEAM_MEMBER, THAP_THUONG, MEMBER_LOGIN),
]
FULL_NAMES = {"quantri": "Quản trị quốc gia", "hanoi": "Sở KH&CN Hà Nội", "danphuong": "UBND xã Đan Phượng"}


@dataclass
class DemoReport:
    created: Counter = field(default_factory=Counter)
    accounts: list[User] = field(default_factory=list)
    passwords_set: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(sum(self.created.values()) or self.passwords_set)


def _check_password(password: str) -> None:
    try:
        password_validation.validate_password(password)
    except ValidationError as exc:
        raise DomainError(CommonErrorCode.PASSWORD_WEAK, " ".join(exc.messages), field="password") from None


def _first_admin(password: str, reset: bool, report: DemoReport) -> User:
    """Return `quantri`, created directly: nobody exists yet who could create it through a service."""
    user = User.objects.filter(username="quantri").first()
    if user is None:
        user = User(username="quantri", role=Role.NATIONAL_ADMIN, full_name=FULL_NAMES["quantri"])
        user.scope_unit = Unit.objects.get(code="VN", valid_to__isnull=True)
        user.is_staff = user.is_superuser = True
        user.set_password(password)
        user.save()
        account_services.audit_record(
            actor=None,
            action=AuditEvent.Action.ACCOUNT_CREATED,
            obj=user,
            username="gocua demo",
            detail={"role": user.role, "scope": "VN"},
        )
        report.created["accounts"] += 1
        report.passwords_set.append(user.username)
    elif reset:
        user.set_password(password)
        user.must_change_password = False
        user.save(update_fields=["password", "must_change_password"])
        account_services.end_sessions(user)
        account_services.audit_record(
            actor=None, action=AuditEvent.Action.PASSWORD_RESET, obj=user, username="gocua demo"
        )
        report.passwords_set.append(user.username)
    return user


def _village(spec: VillageSpec, admin: User, report: DemoReport) -> Unit:
    commune = Unit.objects.get(code=spec.commune, valid_to__isnull=True)
    village = Unit.objects.filter(parent=commune, name_folded=fold(spec.name), valid_to__isnull=True).first()
    if village is None:
        village = place_services.village_create(actor=admin, commune=commune, name=spec.name, kind=Kind.THON)
        report.created["villages"] += 1
    return village


def _members_of(spec: VillageSpec, rng: random.Random, today: dt.date) -> list[dict]:
    if spec.name != THAP_THUONG:
        return people.team_members(rng, founded=spec.founded_on, count=spec.team_size, today=today)
    return [
        {
            "full_name": name,
            "role": role,
            "strengths": strengths,
            "phone": phone,
            "joined_on": spec.founded_on,
        }
        for name, role, strengths, phone in THAP_THUONG_MEMBERS
    ]


def _team(spec: VillageSpec, village: Unit, admin: User, rng: random.Random, report: DemoReport) -> Team:
    name = f"Tổ công nghệ số cộng đồng {spec.name[0].lower()}{spec.name[1:]}"
    team = Team.objects.filter(unit=village, name_folded=fold(name)).first()
    if team is None:
        team = team_services.team_create(actor=admin, unit=village, name=name, founded_on=spec.founded_on)
        report.created["teams"] += 1
    existing = set(Member.objects.filter(team=team).values_list("name_folded", flat=True))
    for data in _members_of(spec, rng, timezone.localdate()):
        if fold(data["full_name"]) not in existing:
            team_services.member_create(actor=admin, team=team, data=data)
            report.created["members"] += 1
    return team


def _accounts(admin: User, password: str, reset: bool, villages: dict[str, Unit], report: DemoReport) -> None:
    for username, role, scope, member_name in ACCOUNTS[1:]:
        user = User.objects.filter(username=username).first()
        if user is None:
            scope_unit = villages.get(scope) or Unit.objects.get(code=scope, valid_to__isnull=True)
            member = None
            if member_name:
                member = Member.objects.filter(
                    team__unit=scope_unit, name_folded=fold(member_name), user__isnull=True
                ).first()
            user = account_services.account_create(
                actor=admin,
                username=username,
                password=password,
                role=role,
                scope_unit=scope_unit,
                full_name=FULL_NAMES.get(username, member_name or ""),
                member=member,
            )
            report.created["accounts"] += 1
        elif reset:
            account_services.account_reset_password(actor=admin, user=user, new_password=password)
        else:
            report.accounts.append(user)
            continue
        User.objects.filter(pk=user.pk).update(must_change_password=False)
        user.must_change_password = False
        report.passwords_set.append(username)
        report.accounts.append(user)


def _planned_households(spec: VillageSpec, rng: random.Random) -> list[tuple[str, str, list[people.Person]]]:
    """Return (key, address, people) for every household of the village, the same on every run."""
    year = timezone.localdate().year
    ids = people.CitizenIds(rng)
    province = "01" if spec.commune == "09784" else "46"
    planned = []
    for number in range(1, spec.households + 1):
        family = "Đỗ" if spec.name == THAP_THUONG and number == 7 else None
        while True:
            folks = people.household(
                rng,
                year=year,
                size=people.household_size(rng),
                province_code=province,
                profile=spec.profile,
                ids=ids,
                family=family,
            )
            if family is None or folks[0].gender == "male":
                break
        if family:
            folks[0].full_name = RESIDENT_FROM_ARTICLE
        planned.append((f"{spec.key_prefix}-{number:03d}", f"Xóm {rng.randint(1, 6)}", folks))
    return planned


def _households(
    spec: VillageSpec, village: Unit, actor: User, rng: random.Random, report: DemoReport
) -> None:
    existing = set(Household.objects.filter(village=village).values_list("household_key", flat=True))
    for key, address, folks in _planned_households(spec, rng):
        if key in existing:
            continue
        household = household_services.household_create(
            actor=actor, village=village, household_key=key, address_line=address
        )
        report.created["households"] += 1
        for person in folks:
            _resident(actor, household, person)
            report.created["residents"] += 1


def _resident(actor: User, household: Household, person: people.Person) -> None:
    kwargs = {"actor": actor, "household": household, "data": person.data(), "indicators": person.indicators}
    try:
        household_services.resident_create(**kwargs, citizen_id_number=person.citizen_id or None)
    except DomainError as exc:
        if exc.code != "citizen_id_taken":
            raise
        # Someone (e.g. generated data) already holds this number: register the person without it.
        household_services.resident_create(**kwargs)


def _registry_actor(village: Unit, candidates: list[User], admin: User) -> User:
    """Return the most local account allowed to register households here (as in the field)."""
    return next((u for u in candidates if u.is_active and can_edit_registry(u, village)), admin)


@transaction.atomic
def demo_load(*, password: str = DEFAULT_PASSWORD, reset_passwords: bool = False) -> DemoReport:
    """Create whatever part of the demo data set is missing; return what was created."""
    _check_password(password)
    ensure_units()
    report = DemoReport()
    admin = _first_admin(password, reset_passwords, report)
    report.accounts.append(admin)
    villages = {}
    for spec in VILLAGES:
        rng = random.Random(f"gocua-demo:{spec.name}")
        villages[spec.name] = (_village(spec, admin, report), rng)
        _team(spec, villages[spec.name][0], admin, rng, report)
    _accounts(admin, password, reset_passwords, {name: v for name, (v, _rng) in villages.items()}, report)
    # Team leaders register their own village's households; the commune officer the others.
    local = [u for u in report.accounts if u.role == Role.TEAM_LEADER]
    local += [u for u in report.accounts if u.role == Role.COMMUNE_OFFICER]
    for spec in VILLAGES:
        village, rng = villages[spec.name]
        _households(spec, village, _registry_actor(village, local, admin), rng, report)
    return report
