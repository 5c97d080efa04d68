"""Demo community projects in Thôn Tháp Thượng, recorded by its leader `totruong` through the services.

Each project is found by its title in the village before it is created, so a second run
creates nothing; a project is written whole in one transaction, entries and all.
"""

import datetime as dt
import io

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from PIL import Image, ImageDraw

from gocua.accounts.models import User
from gocua.community import services
from gocua.community.models import LedgerEntry, Project
from gocua.households.models import Household
from gocua.lib.text import fold
from gocua.places.models import Unit

VILLAGE = "Thôn Tháp Thượng"
COMMUNE = "09784"
LEADER = "totruong"
G, D = LedgerEntry.Giver, LedgerEntry.Display


def _village() -> Unit | None:
    return Unit.objects.filter(parent__code=COMMUNE, parent__valid_to__isnull=True, name_folded=fold(VILLAGE),
                               valid_to__isnull=True).first()


def _demo_photo() -> ContentFile:
    """Draw a street light at dusk (a stand-in photo; the upload pipeline re-encodes it)."""
    image = Image.new("RGB", (960, 640), (38, 52, 96))
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 520, 960, 640), fill=(70, 90, 60))
    draw.rectangle((470, 180, 490, 560), fill=(120, 120, 130))
    draw.rectangle((400, 150, 560, 190), fill=(30, 60, 140))
    draw.ellipse((440, 190, 520, 240), fill=(255, 236, 150))
    out = io.BytesIO()
    image.save(out, format="PNG")
    return ContentFile(out.getvalue(), name="den-nang-luong.png")


def _contribute(leader, project, households, days_ago: int, **data):
    key = data.pop("household_key", None)
    household = households.get(key) if key else None
    if key and household is None:
        # A village without this household in its roster: keep the gift, anonymously.
        data.update(giver=G.ANONYMOUS, display=D.ANONYMOUS, giver_name="")
    return services.contribution_record(
        actor=leader, project=project, household=household,
        entry_on=timezone.localdate() - dt.timedelta(days=days_ago), **data,
    )


def _solar(leader, village, households) -> Project:
    project = services.project_create(actor=leader, unit=village, data={
        "title": "Đèn năng lượng mặt trời đường trục thôn", "kind": Project.Kind.SOLAR_LIGHTS,
        "description": "Lắp 10 bộ đèn năng lượng mặt trời dọc đường trục thôn và các ngõ tối.\n"
                       "Bà con góp tiền và ngày công dựng cột.",
        "goal_vnd": 30_000_000, "goal_labour_days": 20, "responsible_name": "Bùi Văn Trường",
    })
    services.project_set_status(actor=leader, project=project, status=Project.Status.COLLECTING)
    give = [
        {"household_key": "TT-001", "giver": G.HOUSEHOLD, "display": D.HOUSEHOLD_KEY, "money_vnd": 2_000_000},
        {"household_key": "TT-007", "giver": G.HOUSEHOLD, "display": D.NAME,
         "giver_name": "Gia đình ông Đỗ Xuân Dương", "money_vnd": 5_000_000},
        {"giver": G.ANONYMOUS, "display": D.ANONYMOUS, "money_vnd": 1_000_000},
        {"giver": G.ORGANISATION, "display": D.NAME, "giver_name": "Chi đoàn thanh niên thôn Tháp Thượng",
         "labour_days": 6},
        {"household_key": "TT-003", "giver": G.HOUSEHOLD, "display": D.ANONYMOUS, "labour_days": "2.5",
         "materials": "10 bao xi măng"},
    ]
    for days_ago, data in zip((30, 28, 27, 25, 25), give, strict=True):
        _contribute(leader, project, households, days_ago, **data)
    # The mistake: one zero too many, reversed with its reason, then the right amount.
    wrong = _contribute(leader, project, households, 20, household_key="TT-004", giver=G.HOUSEHOLD,
                        display=D.HOUSEHOLD_KEY, money_vnd=30_000_000)
    services.entry_reverse(actor=leader, project=project, entry=wrong,
                           reason="Gõ thừa một số 0: hộ góp 3.000.000 đồng, không phải 30.000.000.")
    _contribute(leader, project, households, 20, household_key="TT-004", giver=G.HOUSEHOLD,
                display=D.HOUSEHOLD_KEY, money_vnd=3_000_000)
    services.expense_record(actor=leader, project=project, entry_on=timezone.localdate() - dt.timedelta(days=10),
                            description="Mua 10 bộ đèn năng lượng mặt trời 100W và dây, ốc vít", money_vnd=9_500_000)
    services.photo_add(actor=leader, project=project, upload=_demo_photo(), caption="Bộ đèn đầu tiên ở ngõ 3")
    services.project_set_status(actor=leader, project=project, status=Project.Status.IN_PROGRESS)
    return project


def _camera(leader, village, households) -> Project:
    project = services.project_create(actor=leader, unit=village, data={
        "title": "Camera an ninh đầu các ngõ", "kind": Project.Kind.CAMERA,
        "description": "6 camera ở đầu ngõ và nhà văn hoá, xem được trên điện thoại của tổ an ninh thôn.",
        "goal_vnd": 24_000_000,
    })
    services.project_set_status(actor=leader, project=project, status=Project.Status.COLLECTING)
    give = [
        {"giver": G.PERSON, "display": D.NAME, "giver_name": "Anh Nguyễn Văn Hùng (con em xa quê)",
         "money_vnd": 10_000_000},
        {"household_key": "TT-005", "giver": G.HOUSEHOLD, "display": D.HOUSEHOLD_KEY, "money_vnd": 1_000_000},
        {"giver": G.ANONYMOUS, "display": D.ANONYMOUS, "money_vnd": 500_000},
        {"household_key": "TT-006", "giver": G.HOUSEHOLD, "display": D.ANONYMOUS, "money_vnd": 500_000},
    ]
    for days_ago, data in zip((12, 9, 7, 3), give, strict=True):
        _contribute(leader, project, households, days_ago, **data)
    return project


def _loudspeaker(leader, village, households) -> Project:
    project = services.project_create(actor=leader, unit=village, data={
        "title": "Loa truyền thanh thông minh", "kind": Project.Kind.LOUDSPEAKER, "goal_vnd": 8_000_000,
        "description": "Cụm loa nối mạng ở nhà văn hoá: thông báo của xã và hướng dẫn kỹ năng số mỗi tối.",
    })
    services.project_set_status(actor=leader, project=project, status=Project.Status.COLLECTING)
    _contribute(leader, project, households, 90, giver=G.ORGANISATION, display=D.NAME,
                giver_name="Hội Người cao tuổi thôn Tháp Thượng", money_vnd=4_000_000)
    _contribute(leader, project, households, 88, household_key="TT-002", giver=G.HOUSEHOLD,
                display=D.HOUSEHOLD_KEY, money_vnd=4_000_000, labour_days=1)
    services.expense_record(actor=leader, project=project, entry_on=timezone.localdate() - dt.timedelta(days=80),
                            description="Cụm loa và bộ thu tín hiệu", money_vnd=7_800_000)
    services.project_set_status(actor=leader, project=project, status=Project.Status.DONE)
    return project


PROJECTS = (
    ("Đèn năng lượng mặt trời đường trục thôn", _solar),
    ("Camera an ninh đầu các ngõ", _camera),
    ("Loa truyền thanh thông minh", _loudspeaker),
)


def demo_community() -> dict[str, int] | None:
    """Create whichever demo projects are missing; return what was created (None: run `gocua demo` first)."""
    village = _village()
    leader = User.objects.filter(username=LEADER, is_active=True).first()
    if village is None or leader is None:
        return None
    households = {h.household_key: h for h in Household.objects.filter(village=village, household_key__in=[
        f"TT-{n:03d}" for n in range(1, 8)])}
    created = {"community projects": 0, "ledger entries": 0}
    for title, make in PROJECTS:
        if Project.objects.filter(unit=village, title=title).exists():
            continue
        with transaction.atomic():
            project = make(leader, village, households)
        created["community projects"] += 1
        created["ledger entries"] += project.entries.count()
    return created
