"""A hypothesis state machine drives every write service and checks the rollups after each step.

After every step the stored rollups (kept incrementally by the services) must equal the figures
recomputed from the raw rows by independent GROUP BY queries (`gocua check_rollups`).
"""

import datetime as dt
import uuid

import pytest
from django.db import transaction
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import Bundle, RuleBasedStateMachine, invariant, rule, run_state_machine_as_test

from gocua import testing as f
from gocua.errors import DomainError
from gocua.households import services as hs
from gocua.households.digital import BASIC_SKILLS, ESSENTIALS, INDICATOR_NAMES, Tri
from gocua.households.models import Household, Resident
from gocua.indicators.services import rollups_check
from gocua.outreach.models import ServiceItem, Visit
from gocua.outreach.services import sessions as ss
from gocua.outreach.services import visits as vs

tri = st.sampled_from([Tri.UNKNOWN, Tri.YES, Tri.NO])
interesting = [*ESSENTIALS, *BASIC_SKILLS, "internet", "ecommerce"]
indicator_values = st.dictionaries(st.sampled_from(interesting), tri, max_size=6)
# 15 and 14 years old: each side of the adult line; as offsets, so a run across New Year keeps the meaning
birth_years = st.sampled_from([1948, 1985, -15, -14, 2020]).map(lambda y: f.today().year + y if y < 0 else y)
statuses = st.sampled_from([s for s, _ in Resident.Status.choices])


class RollupMachine(RuleBasedStateMachine):
    households = Bundle("households")
    residents = Bundle("residents")
    visits = Bundle("visits")

    def __init__(self):
        super().__init__()
        self._atomic = transaction.atomic()
        self._atomic.__enter__()
        self.admin = f.admin()
        self.villages = [
            f.make_village("09784", "Thôn Một"),
            f.make_village("09784", "Thôn Hai"),
            f.make_village("19774", "Thôn Ba"),
        ]
        self.members = {}
        for village in self.villages:
            team = f.make_team(village)
            self.members[village.code] = f.make_member(team, full_name="Lê Văn Tổ", role="leader")
        self.items = list(ServiceItem.objects.filter(is_active=True).order_by("pk")[:3])
        from gocua.field.tokens import token_issue

        self.device_user = f.make_user("team_member", self.villages[0])
        device_member = self.members[self.villages[0].code]
        device_member.user = self.device_user
        device_member.save(update_fields=["user"])
        self.device = token_issue(username=self.device_user.username, password=f.PASSWORD, device_name="Máy A").token
        self.sessions = []

    def teardown(self):
        transaction.set_rollback(True)
        self._atomic.__exit__(None, None, None)

    # --- registry -----------------------------------------------------------------------------

    @rule(target=households, village=st.integers(0, 2))
    def create_household(self, village):
        return hs.household_create(actor=self.admin, village=self.villages[village], household_key=uuid.uuid4().hex[:8])

    @rule(target=residents, household=households, birth_year=birth_years, status=statuses, values=indicator_values)
    def create_resident(self, household, birth_year, status, values):
        data = {"full_name": "Phạm Văn Bình", "birth_year": birth_year, "gender": "male", "relation": "child",
                "status": status}
        return hs.resident_create(actor=self.admin, household=household, data=data, indicators=values)

    @rule(resident=residents, values=indicator_values)
    def set_indicators(self, resident, values):
        resident.refresh_from_db()
        hs.resident_set_indicators(actor=self.admin, resident=resident, values=values)

    @rule(resident=residents, status=statuses, birth_year=birth_years)
    def edit_resident(self, resident, status, birth_year):
        resident.refresh_from_db()
        data = {k: getattr(resident, k) for k in hs.RESIDENT_FIELDS}
        data.update(status=status, birth_year=birth_year, birth_date=None)
        hs.resident_update(actor=self.admin, resident=resident, data=data)

    @rule(household=households, village=st.integers(0, 2))
    def move_household(self, household, village):
        household.refresh_from_db()
        try:
            hs.household_move(actor=self.admin, household=household, to_village=self.villages[village],
                              moved_on=f.today())
        except DomainError:
            pass  # same village: refused, nothing changed

    @rule(resident=residents, household=households)
    def move_resident(self, resident, household):
        resident.refresh_from_db()
        try:
            hs.resident_move(actor=self.admin, resident=resident, to_household=household, moved_on=f.today())
        except DomainError:
            pass

    # --- outreach -----------------------------------------------------------------------------

    @rule(target=visits, household=households, done=st.lists(st.integers(0, 2), max_size=2, unique=True))
    def record_visit(self, household, done):
        household.refresh_from_db()
        people = list(household.residents.all()[:2])
        if not people:
            return None
        member = self.members[household.village_code]
        entries = [{"resident_id": r.pk, "present": True, "note": "",
                    "outcomes": [{"item_id": self.items[i].pk, "outcome": "done"} for i in done]} for r in people]
        return vs.visit_record(actor=self.admin, uuid=uuid.uuid4(), household=household, visited_on=f.today(),
                               member_ids=[member.pk], residents=entries)

    @rule(visit=visits, done=st.lists(st.integers(0, 2), max_size=2, unique=True))
    def correct_visit(self, visit, done):
        if visit is None:
            return
        visit = Visit.objects.get(pk=visit.pk)
        people = [vr.resident for vr in visit.visit_residents.select_related("resident")][:1]
        entries = [{"resident_id": r.pk, "present": True, "note": "",
                    "outcomes": [{"item_id": self.items[i].pk, "outcome": "done"} for i in done]} for r in people]
        try:
            vs.visit_correct(actor=self.admin, visit=visit, visited_on=visit.visited_on,
                             member_ids=list(visit.members.values_list("pk", flat=True)), residents=entries)
        except DomainError:
            pass  # e.g. the visit was deleted or the household moved away from the team

    @rule(visit=visits)
    def delete_visit(self, visit):
        if visit is None:
            return
        try:
            vs.visit_delete(actor=self.admin, visit=Visit.objects.get(pk=visit.pk), reason="ghi nhầm")
        except DomainError:
            pass

    @rule(village=st.integers(0, 2), delete=st.booleans())
    def session(self, village, delete):
        member = self.members[self.villages[village].code]
        session = ss.session_record(actor=self.admin, uuid=uuid.uuid4(), team=member.team, held_on=f.today(),
                                    place="Nhà văn hoá", topic_ids=[self.items[0].pk], member_ids=[member.pk],
                                    unregistered_count=4)
        if delete:
            ss.session_delete(actor=self.admin, session=session, reason="trùng")

    @rule(key=st.sampled_from(["IM-1", "IM-2"]), birth_year=birth_years,
          smartphone=st.sampled_from(["x", "không", ""]), vneid=st.sampled_from(["có", "0", ""]))
    def import_roster(self, key, birth_year, smartphone, vneid):
        from gocua.imports import planner
        from gocua.imports.reader import read_roster
        from gocua.imports.services import roster_import

        text = (
            "Mã hộ,Họ và tên,Năm sinh,Giới tính,Quan hệ với chủ hộ,Địa chỉ,Có điện thoại thông minh,VNeID mức 2\n"
            f'{key},Nguyễn Văn Nhập,{birth_year},Nam,Chủ hộ,"Thôn Một, Xã Đan Phượng, Thành phố Hà Nội",'
            f"{smartphone},{vneid}\n"
        )
        roster_import(actor=self.admin, commune=f.unit("09784"), sheet=read_roster(text.encode(), "roster.csv"),
                      choices=planner.Choices(), dry_run=False)

    @rule(values=indicator_values, birth_year=birth_years, visit=st.booleans())
    def sync_batch(self, values, birth_year, visit):
        """A device's offline day lands: a new household, its resident, indicators and maybe a visit."""
        from gocua.field.upload import sync_upload

        words = {Tri.YES: "yes", Tri.NO: "no", Tri.UNKNOWN: "unknown"}
        h, r = uuid.uuid4(), uuid.uuid4()
        records = [
            {"uuid": str(h), "type": "household", "data": {"temp_key": "TẠM-1", "address_line": "Xóm 1"}},
            {"uuid": str(r), "type": "resident", "data": {"household": str(h), "full_name": "Lò Văn Đồng",
                                                         "birth_year": birth_year, "gender": "male",
                                                         "relation": "head"}},
            {"uuid": str(uuid.uuid4()), "type": "indicators",
             "data": {"resident": str(r), "values": {k: words[v] for k, v in values.items()}}},
        ]
        if visit:
            records.append({"uuid": str(uuid.uuid4()), "type": "visit", "data": {
                "household": str(h), "visited_on": f.today(),
                "residents": [{"resident": str(r), "outcomes": [{"item": self.items[0].pk, "outcome": "done"}]}]}})
        answer = sync_upload(actor=self.device_user, device=self.device, records=records)
        assert [x["status"] for x in answer["results"]] == ["created"] * len(records), answer

    @invariant()
    def rollups_equal_recomputation(self):
        report = rollups_check()
        assert report.differences == []


@pytest.mark.django_db
def test_rollups_stay_exact_under_every_write_service():
    assert Household.objects.count() == 0 or True
    run_state_machine_as_test(
        RollupMachine,
        settings=settings(
            max_examples=12, stateful_step_count=25, deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
        ),
    )


@pytest.mark.django_db
def test_a_visit_moves_village_commune_province_and_nation_at_once():
    from gocua.indicators.models import UnitActivity, UnitStat
    from gocua.indicators.stored import stat_values

    village = f.make_village("09784", "Thôn Tháp Thượng")
    team = f.make_team(village)
    member = f.make_member(team, role="leader")
    household = f.make_household(village)
    resident = f.make_resident(household, birth_year=1980, indicators={"smartphone": Tri.NO})
    codes = [village.code, "09784", "01", "VN"]
    before = stat_values(codes)
    assert all(before[c]["households_covered"] == 0 and before[c]["smartphone_no"] == 1 for c in codes)
    item = ServiceItem.objects.get(indicators__contains="smartphone") if False else next(
        i for i in ServiceItem.objects.filter(is_active=True) if "smartphone" in i.indicators
    )
    vs.visit_record(actor=f.admin(), uuid=uuid.uuid4(), household=household, visited_on=f.today(),
                    member_ids=[member.pk],
                    residents=[{"resident_id": resident.pk, "outcomes": [{"item_id": item.pk, "outcome": "done"}]}])
    after = stat_values(codes)
    for code in codes:
        assert after[code]["households_covered"] == 1
        assert after[code]["residents_checked"] == 1
        assert (after[code]["smartphone_yes"], after[code]["smartphone_no"]) == (1, 0)
    assert stat_values(["46"]).get("46", {}).get("households_covered", 0) == 0
    # No write touched a row shared with another commune's writers: none exists for "01" or "VN".
    assert not UnitStat.objects.filter(code__in=["01", "VN"]).exists()
    assert not UnitActivity.objects.filter(code__in=["01", "VN"]).exists()
    assert rollups_check().differences == []


@pytest.mark.django_db
def test_check_rollups_reports_drift_and_exits_non_zero(capsys):
    from django.core.management import call_command

    from gocua.indicators.models import UnitStat

    village = f.make_village("09784", "Thôn Drift")
    f.make_resident(f.make_household(village), birth_year=1970)
    call_command("check_rollups", "09784")
    UnitStat.objects.filter(code="09784").update(residents=99)
    with pytest.raises(SystemExit) as exit_info:
        call_command("check_rollups", "VN")
    assert exit_info.value.code == 1
    out = capsys.readouterr().out
    assert "09784 residents: stored 99, actual 1" in out
    assert "01 residents: stored 99, actual 1" in out  # the province, summed from its communes, shows it too


@pytest.mark.django_db
def test_roll_day_moves_the_reference_date_and_ages_people(capsys):
    from django.core.management import call_command

    from gocua.indicators.models import RollupState, UnitSnapshot, UnitStat

    village = f.make_village("09784", "Thôn Tuổi")
    f.make_resident(f.make_household(village), birth_year=f.today().year - 14)
    assert UnitStat.objects.get(code=village.code).adults == 0
    next_year = f.today() + dt.timedelta(days=366)
    call_command("roll_day", "--date", next_year.isoformat())
    assert RollupState.objects.get().reference_date == next_year
    assert UnitStat.objects.get(code=village.code).adults == 1
    assert UnitSnapshot.objects.filter(code="VN", on=next_year).exists()
    assert rollups_check().differences == []
    assert INDICATOR_NAMES
