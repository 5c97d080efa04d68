"""What the dashboards show, computed from one unit's metric values (no database access here).

Every indicator is a count over a denominator with a percentage, plus the "unknown" share beside
it, so a village that was never asked does not look like a village that said no.

Targets are data (`models.Target`, chosen by `targets.py`); a Summary carries the targets in
force for its unit and period. How the official targets map onto our metrics (the values and
documents are rows, seeded by migration indicators 0004 and set by officers on /dashboards/…/targets/):

| official target (wording)                      | indicator key     | metric / denominator                         |
| ---------------------------------------------- | ----------------- | -------------------------------------------- |
| adults owning a smartphone                     | smartphone        | smartphone_yes / adults                      |
| people 15+ with a payment account              | payment_account   | payment_account_yes / adults                 |
| working-age people with basic digital skills   | basic_skills      | adults_proficient (all five skills) / adults |
| adults with a digital signature                | digital_signature | digital_signature_yes / adults               |
| people with an electronic health record        | ehealth_record    | ehealth_record_yes / adults (we count 15+)   |
| households on fibre                            | internet          | households_internet_yes / households         |
| every household ≥ 1 member proficient          | household_target  | households_target / households               |

Approximations, stated so nobody mistakes them for the decree's exact wording: "working age"
is our 15+ adults; "fibre" is internet at home by any means (the registry asks one question);
the e-health target counts everyone, we count adults only.
"""

from dataclasses import dataclass, field

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


MEASURES: list[Measure] = [
    Measure("smartphone", INDICATOR_LABELS["smartphone"], "personal", "smartphone_yes", "smartphone_no", "adults"),
    Measure("payment_account", INDICATOR_LABELS["payment_account"], "personal", "payment_account_yes",
            "payment_account_no", "adults"),
    Measure("basic_skills", _("Proficient in all five basic skills"), "personal", "adults_proficient", None, "adults"),
    Measure("digital_signature", INDICATOR_LABELS["digital_signature"], "personal", "digital_signature_yes",
            "digital_signature_no", "adults"),
    Measure("ehealth_record", INDICATOR_LABELS["ehealth_record"], "personal", "ehealth_record_yes",
            "ehealth_record_no", "adults"),
    Measure("internet", INDICATOR_LABELS["internet"], "household", "households_internet_yes",
            "households_internet_no", "households"),
    Measure("household_target", _("Households with someone proficient in all five skills"), "household",
            "households_target", None, "households"),
]
_LISTED = {m.key for m in MEASURES}
MEASURES += [
    Measure(name, INDICATOR_LABELS[name], "personal", f"{name}_yes", f"{name}_no", "adults")
    for name in PERSONAL
    if name not in _LISTED
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
    target_row: object = None  # the models.Target in force, or None

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
        """Return the percent target in force (None without one, or when the target is a count)."""
        row = self.target_row
        return float(row.value) if row is not None and row.kind == "percent" else None

    @property
    def target_count(self) -> int | None:
        row = self.target_row
        return int(row.value) if row is not None and row.kind == "count" else None

    @property
    def has_target(self) -> bool:
        return self.target_row is not None

    @property
    def target_note(self) -> str:
        """Return the document and period of the target: "411/QĐ-TTg, 31/03/2022 (…) · 2025"."""
        row = self.target_row
        return f"{row.document} · {row.period_label}" if row is not None else ""

    @property
    def meets_target(self) -> bool | None:
        if self.target_count is not None:
            return self.yes >= self.target_count
        if self.target is None or self.percent is None:
            return None
        return self.percent >= self.target

    @property
    def gap(self) -> int | None:
        """Return how many more "yes" the target needs (0 when met; None without target or data)."""
        if self.target_count is not None:
            return max(0, self.target_count - self.yes)
        if self.target is None or not self.denominator:
            return None
        needed = -(-self.target_row.value * self.denominator // 100)  # ceiling, exact in Decimal
        return max(0, int(needed) - self.yes)

    @property
    def denominator_label(self) -> str:
        return DENOMINATOR_LABELS[self.measure.denominator]


def indicator_figure(measure: Measure, values: dict[str, int], target=None) -> IndicatorFigure:
    denominator = values.get(measure.denominator, 0)
    yes = values.get(measure.yes, 0)
    if measure.no is not None:
        no = values.get(measure.no, 0)
        return IndicatorFigure(measure, yes, no, max(0, denominator - yes - no), denominator, UNKNOWN_ANSWER,
                               denominator, target)
    if measure.kind == "household":
        base = values.get("households", 0)
        return IndicatorFigure(measure, yes, None, base - values.get("households_covered", 0), base, NOT_VISITED,
                               denominator, target)
    base = values.get("residents", 0)
    return IndicatorFigure(measure, yes, None, base - values.get("residents_checked", 0), base, NOT_CHECKED,
                           denominator, target)


@dataclass(frozen=True)
class Summary:
    """The headline figures of one unit at one moment, with the targets in force for it ({indicator: Target})."""

    values: dict[str, int]
    targets: dict = field(default_factory=dict, compare=False)

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
        return indicator_figure(MEASURE_BY_KEY[key], self.values, self.targets.get(key))

    @property
    def indicators(self) -> list[IndicatorFigure]:
        return [indicator_figure(m, self.values, self.targets.get(m.key)) for m in MEASURES]

    @property
    def targeted(self) -> list[IndicatorFigure]:
        return [f for f in self.indicators if f.has_target]

    @property
    def others(self) -> list[IndicatorFigure]:
        return [f for f in self.indicators if not f.has_target]

    def with_targets(self, targets: dict) -> "Summary":
        return Summary(self.values, targets)

    def percent_of(self, key: str) -> float | None:
        """Return the headline percentage named `key` (an indicator, "coverage" or "checked")."""
        if key == "coverage":
            return self.households_covered.percent
        if key == "checked":
            return self.residents_checked.percent
        if key == "left_behind":
            return self.households_left_behind.percent
        return self.indicator(key).percent


def summary_of(values: dict[str, int] | None, targets: dict | None = None) -> Summary:
    return Summary({**ZERO, **(values or {})}, targets or {})


# Choices for the map colour and the children's sort: headline shares, then every indicator.
PERCENT_CHOICES: list[tuple[str, str]] = [
    ("coverage", _("Households covered")),
    ("checked", _("Residents checked")),
    ("left_behind", _("Households left behind")),
    *[(m.key, m.label) for m in MEASURES],
]
PERCENT_KEYS = [key for key, _label in PERCENT_CHOICES]
