"""Plausible households: relations, genders, ages, citizen IDs and indicators that agree.

Used by `gocua demo` (through the services) and `gocua generate` (bulk). All randomness comes
from the `random.Random` passed in, so a seed always gives the same people.
"""

import datetime as dt
import random
from dataclasses import dataclass, field

from gocua.bench import names
from gocua.households.digital import INDICATOR_NAMES, Tri
from gocua.lib.citizen_id import LEGACY_PROVINCE_CODES, century_digit

# Share answering "yes" among surveyed 18–39-year-olds in an average commune.
BASE_YES = {
    "smartphone": 0.93,
    "internet": 0.86,
    "vneid_level2": 0.85,
    "online_public_services": 0.55,
    "payment_account": 0.82,
    "ecommerce": 0.62,
    "ehealth_record": 0.5,
    "digital_signature": 0.12,
    "scam_awareness": 0.6,
    "skill_public_services": 0.5,
    "skill_shopping": 0.6,
    "skill_payment": 0.75,
    "skill_safety": 0.5,
    "skill_local_platforms": 0.4,
}
# Without a smartphone these are (almost always) "no" in the field. A tuple, not a set: the
# RNG is drawn in this order, and set order changes between processes (hash randomisation).
NEEDS_SMARTPHONE = (
    "vneid_level2",
    "online_public_services",
    "payment_account",
    "ecommerce",
    "ehealth_record",
    "skill_public_services",
    "skill_shopping",
    "skill_payment",
    "skill_local_platforms",
)
HARD_TO_KNOW = {"digital_signature", "ehealth_record", "scam_awareness"}
SIZE_WEIGHTS = {2: 20, 3: 25, 4: 30, 5: 15, 6: 10}
MEMBER_KINDS = {"youth_union": 55, "elderly": 15, "it_trained": 18, "police": 6, "telecom": 6}
AGE_OF_STRENGTH = {
    "youth_union": (18, 32),
    "elderly": (62, 76),
    "it_trained": (19, 30),
    "police": (26, 45),
    "telecom": (24, 40),
    "commune_officer": (30, 55),
}
_LEGACY_CODES = sorted(LEGACY_PROVINCE_CODES)


@dataclass(frozen=True)
class Profile:
    """How far a commune has come: `maturity` scales "yes", `coverage` is the share surveyed."""

    maturity: float = 1.0
    coverage: float = 0.75
    away_share: float = 0.15
    id_share: float = 0.3

    @classmethod
    def draw(cls, rng: random.Random, *, urban: bool) -> "Profile":
        return cls(
            maturity=rng.uniform(0.55, 1.05) + (0.1 if urban else 0.0),
            coverage=rng.uniform(0.45, 0.95),
            away_share=rng.uniform(0.05, 0.1) if urban else rng.uniform(0.1, 0.25),
            id_share=rng.uniform(0.15, 0.4),
        )


@dataclass
class Person:
    full_name: str
    birth_year: int
    gender: str
    relation: str
    status: str = "living"
    phone: str = ""
    citizen_id: str = ""
    indicators: dict[str, int] = field(default_factory=dict)

    def data(self) -> dict:
        """Return the fields as `resident_create(data=...)` takes them."""
        return {
            "full_name": self.full_name,
            "birth_year": self.birth_year,
            "gender": self.gender,
            "relation": self.relation,
            "status": self.status,
            "phone": self.phone,
        }


class CitizenIds:
    """Issue citizen IDs consistent with gender and birth year, never the same one twice.

    `part=(index, count)` gives this issuer the serial numbers that leave `index` modulo `count`:
    `gocua generate` plans each province in its own process with its own issuer, and people
    registered in another province at birth could otherwise draw the same number twice.
    """

    def __init__(self, rng: random.Random, taken: set[str] | None = None, *, part: tuple[int, int] = (0, 1)):
        self.rng = rng
        self.taken = taken if taken is not None else set()
        self.index, self.count = part
        if not 0 <= self.index < self.count:
            raise ValueError(f"part {part}: index must be within 0..count-1")
        self.serials = 1_000_000 // self.count

    def issue(self, province_code: str, gender: str, birth_year: int) -> str:
        # Most people were registered at birth in the province they live in.
        if self.rng.random() > 0.85:
            province_code = self.rng.choice(_LEGACY_CODES)
        head = f"0{province_code}{century_digit(gender, birth_year)}{birth_year % 100:02d}"
        while True:
            number = f"{head}{self.rng.randrange(self.serials) * self.count + self.index:06d}"
            if number not in self.taken:
                self.taken.add(number)
                return number


def _other_gender(gender: str) -> str:
    return "female" if gender == "male" else "male"


def _kids(rng: random.Random, mother_born: int, year: int, count: int) -> list[int]:
    """Return `count` birth years for children of a mother born in `mother_born`."""
    low, high = mother_born + 20, min(mother_born + 42, year)
    return sorted(rng.randint(low, max(low, high)) for _ in range(count))


def _skeleton(
    rng: random.Random, year: int, size: int, family: str | None
) -> list[tuple[str, str, int, str]]:
    """Return (relation, gender, birth year, family name) for a household of `size` people."""
    other = lambda: names.family_name(rng)  # noqa: E731
    head_family = family or other()
    roll = rng.random()
    if size == 1:
        gender = rng.choice(["male", "female"])
        return [("head", gender, year - rng.randint(25, 85), head_family)]
    if size == 2 and roll < 0.55:  # elderly couple whose children live elsewhere
        head_born = year - rng.randint(60, 85)
        return [
            ("head", "male", head_born, head_family),
            ("wife", "female", head_born + rng.randint(0, 6), other()),
        ]
    if size == 2 and roll < 0.75:  # widowed parent with one child
        head_born = year - rng.randint(38, 70)
        child = _kids(rng, head_born, year, 1)[0]
        return [
            ("head", "female", head_born, head_family),
            ("child", rng.choice(["male", "female"]), child, head_family),
        ]
    if size >= 4 and roll < 0.15:  # elderly head living with a married son and grandchildren
        head_born = year - rng.randint(58, 80)
        wife_born = head_born + rng.randint(0, 6)
        son_born = min(_kids(rng, wife_born, year, 1)[0], year - 24)
        son_wife_born = son_born + rng.randint(0, 5)
        people = [
            ("head", "male", head_born, head_family),
            ("wife", "female", wife_born, other()),
            ("child", "male", son_born, head_family),
            ("child_in_law", "female", son_wife_born, other()),
        ]
        for born in _kids(rng, son_wife_born, year, size - 4):
            people.append(("grandchild", rng.choice(["male", "female"]), born, head_family))
        return people
    head_born = year - rng.randint(26, 58)
    head_gender = "male" if rng.random() < 0.88 else "female"
    spouse_born = head_born + (rng.randint(-2, 7) if head_gender == "male" else rng.randint(-7, 2))
    mother_born = spouse_born if head_gender == "male" else head_born
    people = [
        ("head", head_gender, head_born, head_family),
        ("wife" if head_gender == "male" else "husband", _other_gender(head_gender), spouse_born, other()),
    ]
    parents = 0
    if size >= 4 and roll < 0.5:  # three generations: the head's parent(s) live in
        parents = 1 if size == 4 or rng.random() < 0.5 else 2
        father_born = head_born - rng.randint(22, 34)
        if parents == 2 or rng.random() < 0.4:
            people.append(("father", "male", father_born, head_family))
        if parents == 2 or len(people) == 2:
            people.append(("mother", "female", father_born + rng.randint(0, 6), other()))
    for born in _kids(rng, mother_born, year, size - len(people)):
        people.append(("child", rng.choice(["male", "female"]), born, head_family))
    return people


def _age_factor(age: int) -> float | None:
    if age < 14:
        return None
    if age < 18:
        return 0.7
    if age < 40:
        return 1.0
    if age < 60:
        return 0.75
    if age < 75:
        return 0.4
    return 0.2


def indicators(
    rng: random.Random, age: int, profile: Profile, internet: int, surveyed: bool
) -> dict[str, int]:
    """Return the indicators of one resident; unknown where nobody has asked yet."""
    factor = _age_factor(age)
    if not surveyed or factor is None:
        return {"internet": internet} if surveyed else {}
    values = {}
    unknown_share = 0.2 if age >= 60 else 0.1
    for name in INDICATOR_NAMES:
        if name == "internet":
            values[name] = internet
            continue
        if rng.random() < unknown_share + (0.2 if name in HARD_TO_KNOW else 0.0):
            values[name] = Tri.UNKNOWN
            continue
        yes = min(0.98, BASE_YES[name] * factor * profile.maturity)
        values[name] = Tri.YES if rng.random() < yes else Tri.NO
    if values.get("smartphone") == Tri.NO:
        for name in NEEDS_SMARTPHONE:
            if values[name] == Tri.YES and rng.random() < 0.9:
                values[name] = Tri.NO
    if age < 18:
        values["digital_signature"] = Tri.NO
    return {k: v for k, v in values.items() if v != Tri.UNKNOWN}


def household(
    rng: random.Random,
    *,
    year: int,
    size: int,
    province_code: str,
    profile: Profile,
    ids: CitizenIds,
    family: str | None = None,
) -> list[Person]:
    """Return the residents of one household, head first (`family`: the head's family name)."""
    internet = Tri.YES if rng.random() < min(0.97, BASE_YES["internet"] * profile.maturity) else Tri.NO
    people = []
    for relation, gender, born, surname in _skeleton(rng, year, size, family):
        born = min(born, year)
        age = year - born
        person = Person(names.person_name(rng, gender, born, surname), born, gender, relation)
        if 18 <= age <= 40 and relation != "head" and rng.random() < profile.away_share:
            person.status = "away"
        person.indicators = indicators(rng, age, profile, internet, rng.random() < profile.coverage)
        has_smartphone = person.indicators.get("smartphone") == Tri.YES
        if age >= 16 and rng.random() < (0.7 if has_smartphone else 0.15):
            person.phone = names.mobile_phone(rng)
        if age >= 14 and rng.random() < profile.id_share:
            person.citizen_id = ids.issue(province_code, gender, born)
        people.append(person)
    return people


def household_size(rng: random.Random) -> int:
    return rng.choices(list(SIZE_WEIGHTS), list(SIZE_WEIGHTS.values()))[0]


def _member(rng: random.Random, index: int, founded: dt.date, today: dt.date) -> dict:
    if index == 0:
        role, kinds = "leader", [rng.choice(["commune_officer", "commune_officer", "elderly", "youth_union"])]
    elif index == 1 and rng.random() < 0.6:
        role, kinds = "deputy", ["youth_union"]
    else:
        kind = rng.choices(list(MEMBER_KINDS), list(MEMBER_KINDS.values()))[0]
        role, kinds = (
            "member",
            [kind] + (["it_trained"] if kind == "youth_union" and rng.random() < 0.2 else []),
        )
    low, high = (40, 65) if role == "leader" else AGE_OF_STRENGTH[kinds[0]]
    gender = "male" if rng.random() < (0.7 if role == "leader" else 0.5) else "female"
    joined = min(founded + dt.timedelta(days=rng.choice([0, 0, 0, rng.randrange(700)])), today)
    left = None
    if role == "member" and rng.random() < 0.05:
        left = min(joined + dt.timedelta(days=rng.randint(90, 600)), today)
    return {
        "full_name": names.person_name(rng, gender, today.year - rng.randint(low, high)),
        "phone": names.mobile_phone(rng),
        "role": role,
        "strengths": kinds,
        "joined_on": joined,
        "left_on": left,
    }


def team_members(rng: random.Random, *, founded: dt.date, count: int, today: dt.date) -> list[dict]:
    """Return `count` members (leader first, often a youth-union deputy) as `member_create(data=...)` takes them."""
    return [_member(rng, i, founded, today) for i in range(count)]
