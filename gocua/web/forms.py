"""Form helpers shared by the pages, and the page forms (parsing only: the services validate)."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gocua.errors import DomainError
from gocua.households.digital import INDICATORS, Tri
from gocua.households.models import Resident
from gocua.households.services import CITIZEN_ID_MESSAGES, MIN_BIRTH_YEAR
from gocua.lib import citizen_id, phone
from gocua.places.models import VILLAGE_KINDS, Kind
from gocua.teams.models import Member


def apply_domain_error(form: forms.Form, exc: DomainError, *, field_map: dict | None = None) -> None:
    """Show a service's DomainError on the form field it names (or on the form)."""
    field = (field_map or {}).get(exc.field, exc.field)
    form.add_error(field if field in form.fields else None, str(exc.message))


DATE_FORMATS = ["%Y-%m-%d", "%d/%m/%Y"]


def date_field(label, *, required: bool = True, help_text="") -> forms.DateField:
    """Return a date field rendered as a native date picker (YYYY-MM-DD on the wire)."""
    return forms.DateField(
        label=label,
        required=required,
        input_formats=DATE_FORMATS,
        help_text=help_text,
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
    )


def numeric(attrs: dict | None = None) -> forms.TextInput:
    """Return a text input that opens the digit keyboard on phones."""
    return forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off", **(attrs or {})})


# --- places -----------------------------------------------------------------------------------


class VillageForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    kind = forms.ChoiceField(
        label=_("Kind"), choices=[(k, Kind(k).label) for k in VILLAGE_KINDS], initial=Kind.THON
    )


class VillageRenameForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)


# --- households -------------------------------------------------------------------------------


class HouseholdForm(forms.Form):
    household_key = forms.CharField(
        label=_("Household key"), max_length=32, help_text=_("The number used in the village roster.")
    )
    address_line = forms.CharField(label=_("Address"), max_length=200, required=False)


class VillageCodeField(forms.CharField):
    """A village typed as its code; the view resolves it inside the user's scope."""

    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Village"))
        kwargs.setdefault("max_length", 16)
        kwargs.setdefault("help_text", _("The village code, e.g. 09784-001; pick from the list or type it."))
        super().__init__(
            widget=forms.TextInput(attrs={"list": "village-choices", "autocomplete": "off"}), **kwargs
        )


class HouseholdMoveForm(forms.Form):
    village = VillageCodeField()
    moved_on = date_field(_("Date of the move"))


class HouseholdHeadForm(forms.Form):
    head = forms.TypedChoiceField(label=_("Head of household"), coerce=int)

    def __init__(self, *args, residents=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["head"].choices = [(r.pk, f"{r.full_name} ({r.birth_year})") for r in residents]


# --- residents --------------------------------------------------------------------------------


class ResidentForm(forms.Form):
    full_name = forms.CharField(label=_("Full name"), max_length=120)
    birth_year = forms.IntegerField(label=_("Year of birth"), widget=numeric({"maxlength": 4}))
    birth_date = date_field(_("Date of birth"), required=False)
    gender = forms.ChoiceField(label=_("Gender"), choices=Resident.Gender.choices, widget=forms.RadioSelect)
    relation = forms.ChoiceField(label=_("Relation to the head"), choices=Resident.Relation.choices)
    phone = forms.CharField(
        label=_("Phone"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
    )
    status = forms.ChoiceField(
        label=_("Status"), choices=Resident.Status.choices, initial=Resident.Status.LIVING
    )
    citizen_id = forms.CharField(
        label=_("Citizen ID"),
        max_length=20,
        required=False,
        help_text=_("12 digits; may be left empty."),
        widget=numeric({"maxlength": 14}),
    )

    def clean(self):
        """Check every field the way the resident services do, so that all mistakes show at once."""
        data = super().clean()
        today = timezone.localdate()
        year = data.get("birth_year")
        if year is not None and not MIN_BIRTH_YEAR <= year <= today.year:
            self.add_error("birth_year", _("The year of birth must be between %(low)s and %(high)s.")
                           % {"low": MIN_BIRTH_YEAR, "high": today.year})
            year = None
        born = data.get("birth_date")
        if born and year is not None and (born.year != year or born > today):
            self.add_error("birth_date", _("The date of birth does not match the year of birth."))
        raw_phone = (data.get("phone") or "").strip()
        if raw_phone:
            try:
                phone.normalise(raw_phone)
            except phone.PhoneError:
                self.add_error("phone", _("This is not a valid Vietnamese phone number."))
        number = (data.get("citizen_id") or "").strip()
        if number:
            try:
                citizen_id.validate(number, gender=data.get("gender"), birth_year=year)
            except citizen_id.CitizenIdError as exc:
                self.add_error("citizen_id", CITIZEN_ID_MESSAGES[exc.code])
        return data

    def service_data(self) -> dict:
        """Return the fields the resident services take as `data`."""
        keys = ("full_name", "birth_year", "birth_date", "gender", "relation", "phone", "status")
        return {k: self.cleaned_data.get(k) for k in keys}


class ResidentEditForm(ResidentForm):
    clear_citizen_id = forms.BooleanField(label=_("Remove the citizen ID"), required=False)

    def __init__(self, *args, masked: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        if masked:
            self.fields["citizen_id"].help_text = _(
                "Recorded: %(masked)s. Leave empty to keep it, or type a new one to replace it."
            ) % {"masked": masked}
        else:
            self.fields["citizen_id"].help_text = _("None recorded. 12 digits; may be left empty.")
            del self.fields["clear_citizen_id"]


# Yes first: the answer a helper ticks most often after showing someone how.
TRI_CHOICES = [(Tri.YES, Tri.YES.label), (Tri.NO, Tri.NO.label), (Tri.UNKNOWN, Tri.UNKNOWN.label)]


class IndicatorsForm(forms.Form):
    """The 14 indicators, each a three-way radio (yes / no / unknown)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, label in INDICATORS:
            self.fields[name] = forms.TypedChoiceField(
                label=label, choices=TRI_CHOICES, coerce=int, widget=forms.RadioSelect, initial=Tri.UNKNOWN
            )


class ResidentMoveForm(forms.Form):
    village = VillageCodeField()
    household_key = forms.CharField(label=_("Household key"), max_length=32)
    moved_on = date_field(_("Date of the move"))


# --- teams ------------------------------------------------------------------------------------


class TeamForm(forms.Form):
    name = forms.CharField(label=_("Team name"), max_length=150)
    founded_on = date_field(_("Date founded"))
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)


class MemberForm(forms.Form):
    full_name = forms.CharField(label=_("Full name"), max_length=120)
    phone = forms.CharField(
        label=_("Phone"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
    )
    role = forms.ChoiceField(
        label=_("Role in the team"), choices=Member.Role.choices, initial=Member.Role.MEMBER
    )
    strengths = forms.MultipleChoiceField(
        label=_("Strengths"),
        choices=Member.Strength.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    joined_on = date_field(_("Joined on"))
    left_on = date_field(_("Left on"), required=False, help_text=_("Only for members who have left."))
