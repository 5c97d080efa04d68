"""What the dashboards show, computed from one unit's metric values (no database access here).

Every indicator is a count over a denominator with a percentage, plus the "unknown" share beside
it, so a village that was never asked does not look like a village that said no.

National 2025 targets (Decisions 411/QĐ-TTg and 146/QĐ-TTg, 2022) mapped onto our metrics:

| target                                         | metric / denominator                         |
| ---------------------------------------------- | -------------------------------------------- |
| 80% of adults own a smartphone                 | smartphone_yes / adults                      |
| 80% of people 15+ have a payment account       | payment_account_yes / adults                 |
| >70% of working-age people with basic skills   | adults_proficient (all five skills) / adults |
| >50% of adults with a digital signature        | digital_signature_yes / adults               |
| 90% of people with an electronic health record | ehealth_record_yes / adults (we count 15+)   |
| 80% of households on fibre                     | households_internet_yes / households         |
| 2024: every household ≥ 1 member proficient    | households_target / households (100%)        |

Approximations, stated so nobody mistakes them for the decree's exact wording: "working age"
is our 15+ adults; "fibre" is internet at home by any means (the registry asks one question);
the e-health target counts everyone, we count adults only.
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from gocua.households.digital import INDICATOR_LABELS
from gocua.indicators.metrics import METRICS, PERSONAL

# Unknown of a composite (all five skills, the 2024 household target) is not stored: it is
# replaced by the share not yet visited/checked, the nearest figure that says "not asked".
UNKNOWN_ANSWER, NOT_VISITED, NOT_CHECKED = "unknown_answer", "not_visited", "not_checked"


@dataclass(frozen=True)
class Measure:
    key: str
    label: str
    kind: str  # "personal" (over adults) or "household" (over households)
    yes: str
    no: str | None
    denominator: str
    target: float | None = None  # percent
    target_note: str = ""


TARGET_NOTE_2025 = _("national target 2025")
MEASURES: list[Measure] = [
    Measure("smartphone", INDICATOR_LABELS["smartphone"], "personal", "smartphone_yes", "smartphone_no", "adults",
            80, TARGET_NOTE_2025),
    Measure("payment_account", INDICATOR_LABELS["payment_account"], "personal", "payment_account_yes",
            "payment_account_no", "adults", 80, TARGET_NOTE_2025),
    Measure("basic_skills", _("Proficient in all five basic skills"), "personal", "adults_proficient", None, "adults",
            70, TARGET_NOTE_2025),
    Measure("digital_signature", INDICATOR_LABELS["digital_signature"], "personal", "digital_signature_yes",
            "digital_signature_no", "adults", 50, TARGET_NOTE_2025),
    Measure("ehealth_record", INDICATOR_LABELS["ehealth_record"], "personal", "ehealth_record_yes",
            "ehealth_record_no", "adults", 90, TARGET_NOTE_2025),
    Measure("internet", INDICATOR_LABELS["internet"], "household", "households_internet_yes",
            "households_internet_no", "households", 80, TARGET_NOTE_2025),
    Measure("household_target", _("Households with someone proficient in all five skills"), "household",
            "households_target", None, "households", 100, _("target 2024")),
]
_TARGETED = {m.key for m in MEASURES}
MEASURES += [
    Measure(name, INDICATOR_LABELS[name], "personal", f"{name}_yes", f"{name}_no", "adults")
    for name in PERSONAL
    if name not in _TARGETED
]
MEASURE_BY_KEY = {m.key: m for m in MEASURES}
# Chosen for the trend chart and the children's table: the targets a commune is judged on.
KEY_MEASURES = ["smartphone", "payment_account", "basic_skills", "internet"]
KEY_SHORT_LABELS = [_("Smartphone"), _("Payment account"), _("Five skills"), _("Internet")]
DENOMINATOR_LABELS = {"adults": _("adults 15+"), "households": _("households"), "residents": _("residents")}
ZERO = dict.fromkeys(METRICS, 0)


def percent(count: int | None, denominator: int | None) -> float | None:
    """Return count/denominator as a percentage with one decimal, None when there is no denominator."""
    if not denominator or count is None:
        return None
    return round(100 * count / denominator, 1)


@dataclass(frozen=True)
class Ratio:
    count: int
    denominator: int

    @property
    def percent(self) -> float | None:
        return percent(self.count, self.denominator)


@dataclass(frozen=True)
class IndicatorFigure:
    measure: Measure
    yes: int
    no: int | None
    unknown: int
    unknown_base: int  # the denominator of the unknown share (differs for composites)
    unknown_basis: str
    denominator: int

    @property
    def key(self) -> str:
        return self.measure.key

    @property
    def label(self) -> str:
        return self.measure.label

    @property
    def percent(self) -> float | None:
        return percent(self.yes, self.denominator)

    @property
    def no_percent(self) -> float | None:
        return percent(self.no, self.denominator)

    @property
    def unknown_percent(self) -> float | None:
        return percent(self.unknown, self.unknown_base)

    @property
    def target(self) -> float | None:
        return self.measure.target

    @property
    def meets_target(self) -> bool | None:
        if self.target is None or self.percent is None:
            return None
        return self.percent >= self.target

    @property
    def gap(self) -> int | None:
        """Return how many more "yes" the target needs (0 when met; None without target or data)."""
        if self.target is None or not self.denominator:
            return None
        needed = -(-self.target * self.denominator // 100)  # ceiling without floats drifting
        return max(0, int(needed) - self.yes)

    @property
    def denominator_label(self) -> str:
        return DENOMINATOR_LABELS[self.measure.denominator]


def indicator_figure(measure: Measure, values: dict[str, int]) -> IndicatorFigure:
    denominator = values.get(measure.denominator, 0)
    yes = values.get(measure.yes, 0)
    if measure.no is not None:
        no = values.get(measure.no, 0)
        return IndicatorFigure(measure, yes, no, max(0, denominator - yes - no), denominator, UNKNOWN_ANSWER,
                               denominator)
    if measure.kind == "household":
        base = values.get("households", 0)
        return IndicatorFigure(measure, yes, None, base - values.get("households_covered", 0), base, NOT_VISITED,
                               denominator)
    base = values.get("residents", 0)
    return IndicatorFigure(measure, yes, None, base - values.get("residents_checked", 0), base, NOT_CHECKED,
                           denominator)


@dataclass(frozen=True)
class Summary:
    """The headline figures of one unit at one moment."""

    values: dict[str, int]

    def _get(self, name: str) -> int:
        return self.values.get(name, 0)

    @property
    def households(self) -> int:
        return self._get("households")

    @property
    def residents(self) -> int:
        return self._get("residents")

    @property
    def adults(self) -> int:
        return self._get("adults")

    @property
    def households_covered(self) -> Ratio:
        return Ratio(self._get("households_covered"), self.households)

    @property
    def residents_checked(self) -> Ratio:
        return Ratio(self._get("residents_checked"), self.residents)

    @property
    def households_target(self) -> Ratio:
        return Ratio(self._get("households_target"), self.households)

    @property
    def households_left_behind(self) -> Ratio:
        return Ratio(self._get("households_left_behind"), self.households)

    @property
    def residents_left_behind(self) -> Ratio:
        # Only adults are ever "left behind" (see rollups.snapshot), so adults are the denominator.
        return Ratio(self._get("residents_left_behind"), self.adults)

    def indicator(self, key: str) -> IndicatorFigure:
        return indicator_figure(MEASURE_BY_KEY[key], self.values)

    @property
    def indicators(self) -> list[IndicatorFigure]:
        return [indicator_figure(m, self.values) for m in MEASURES]

    @property
    def targeted(self) -> list[IndicatorFigure]:
        return [f for f in self.indicators if f.target is not None]

    @property
    def others(self) -> list[IndicatorFigure]:
        return [f for f in self.indicators if f.target is None]

    def percent_of(self, key: str) -> float | None:
        """Return the headline percentage named `key` (an indicator, "coverage" or "checked")."""
        if key == "coverage":
            return self.households_covered.percent
        if key == "checked":
            return self.residents_checked.percent
        if key == "left_behind":
            return self.households_left_behind.percent
        return self.indicator(key).percent


def summary_of(values: dict[str, int] | None) -> Summary:
    return Summary({**ZERO, **(values or {})})


# Choices for the map colour and the children's sort: headline shares, then every indicator.
PERCENT_CHOICES: list[tuple[str, str]] = [
    ("coverage", _("Households covered")),
    ("checked", _("Residents checked")),
    ("left_behind", _("Households left behind")),
    *[(m.key, m.label) for m in MEASURES],
]
PERCENT_KEYS = [key for key, _label in PERCENT_CHOICES]
