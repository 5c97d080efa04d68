"""Forms of the account pages (parsing only: the services decide who may do what)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from gocua.accounts.models import AuditEvent, Role
from gocua.accounts.permissions import manageable_roles
from gocua.accounts.selectors import AuditFilter, members_linkable, units_for_role
from gocua.places.models import Level

# Above this many units or members a select is too long for a phone: type the code instead.
SELECT_LIMIT = 300


class UnitField(forms.CharField):
    """A unit chosen by its code among `units`: a select when short, a code box when long."""

    def __init__(self, *, units, **kwargs):
        super().__init__(max_length=16, **kwargs)
        self.units = units
        choices = list(units[: SELECT_LIMIT + 1])
        if len(choices) <= SELECT_LIMIT:
            self.widget = forms.Select(choices=[("", "—"), *[(u.code, unit_label(u)) for u in choices]])
            if len(choices) == 1:  # a leader's team unit: nothing to choose
                self.initial = choices[0].code
        else:
            self.widget = forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"})
            self.help_text = _("Type the unit code, e.g. 01 (Hà Nội), 09784 (Xã Đan Phượng) or 09784-001.")

    def clean(self, value):
        code = super().clean(value)
        if not code:
            return None
        unit = self.units.filter(code=code.strip()).first()
        if unit is None:
            raise forms.ValidationError(_("Choose a unit in your area at the level this role works at."))
        return unit


def unit_label(unit) -> str:
    return f"{unit.name} · {unit.code}" if unit.level == Level.VILLAGE else unit.name


def role_choices(viewer) -> list[tuple[str, str]]:
    return [(role, Role(role).label) for role in manageable_roles(viewer)]


class AccountCreateForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"))
    scope_unit = forms.CharField(label=_("Area"))  # replaced in __init__
    username = forms.CharField(
        label=_("User name"),
        max_length=150,
        help_text=_("Letters, digits and @ . + - _ only; used to log in."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "none", "spellcheck": "false"}),
    )
    full_name = forms.CharField(label=_("Full name"), max_length=120, required=False)
    password = forms.CharField(
        label=_("Temporary password"),
        help_text=_("Give it to the person: they must choose their own at their first log-in."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    member = forms.ModelChoiceField(label=_("Team member"), queryset=None, required=False)

    def __init__(self, *args, viewer, role: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = role_choices(viewer)
        role = self.data.get("role") if self.is_bound else role
        self.chosen_role = role if role in manageable_roles(viewer) else None
        self.fields["scope_unit"] = UnitField(
            label=_("Area"), units=units_for_role(viewer, [self.chosen_role] if self.chosen_role else [])
        )
        if self.chosen_role in (Role.TEAM_LEADER, Role.TEAM_MEMBER):
            self._set_member_field(viewer)
        else:
            del self.fields["member"]
        if self.chosen_role:
            # The area list depends on the role, so the role is chosen first (see the view).
            self.fields["role"].initial = self.chosen_role
            self.fields["role"].widget = forms.HiddenInput()

    def _set_member_field(self, viewer) -> None:
        field = self.fields["member"]
        field.queryset = members_linkable(viewer)
        field.empty_label = "—" if viewer.role == Role.TEAM_LEADER else _("— no link —")
        field.required = viewer.role == Role.TEAM_LEADER
        field.label_from_instance = lambda m: f"{m.full_name} · {m.team.name} ({m.team.unit.name})"
        field.help_text = _("The team member this account belongs to (a member of a team in the chosen area).")
        if not field.required and field.queryset[SELECT_LIMIT : SELECT_LIMIT + 1].exists():
            # Too long for a phone (a province or the nation): commune officers, whose lists
            # are short, create the accounts that are linked to members.
            del self.fields["member"]


class PasswordChangeForm(forms.Form):
    old_password = forms.CharField(label=_("Current password"), widget=forms.PasswordInput)
    new_password = forms.CharField(label=_("New password"), widget=forms.PasswordInput)
    new_password_again = forms.CharField(label=_("New password again"), widget=forms.PasswordInput)

    def clean(self):
        data = super().clean()
        if data.get("new_password") and data.get("new_password") != data.get("new_password_again"):
            self.add_error("new_password_again", _("The two new passwords differ."))
        return data


class PasswordResetForm(forms.Form):
    new_password = forms.CharField(
        label=_("Temporary password"),
        help_text=_("The person must choose their own password at their next log-in."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )


class RoleChangeForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"))
    scope_unit = forms.CharField(label=_("Area"))  # replaced in __init__

    def __init__(self, *args, viewer, **kwargs):
        super().__init__(*args, **kwargs)
        roles = manageable_roles(viewer)
        self.fields["role"].choices = role_choices(viewer)
        self.fields["scope_unit"] = UnitField(label=_("Area"), units=units_for_role(viewer, roles))


class AccountFilterForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), required=False)
    active = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("All")), ("yes", _("Active")), ("no", _("Deactivated"))],
    )
    q = forms.CharField(label=_("Name or user name"), required=False, max_length=120)

    def __init__(self, *args, viewer, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = [("", _("All")), *role_choices(viewer)]


class AuditFilterForm(forms.Form):
    action = forms.ChoiceField(label=_("Action"), required=False, choices=[("", _("All")), *AuditEvent.Action.choices])
    username = forms.CharField(label=_("User name"), required=False, max_length=150)
    date_from = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    object_type = forms.CharField(
        label=_("Object type"), required=False, max_length=40, help_text=_("e.g. accounts.user")
    )
    object_id = forms.CharField(label=_("Object id"), required=False, max_length=64)
    unit = forms.CharField(
        label=_("Unit"), required=False, max_length=16, help_text=_("A province, commune or village code")
    )

    def audit_filter(self) -> AuditFilter:
        """Return the valid filters (invalid ones are shown as errors and ignored)."""
        data = getattr(self, "cleaned_data", {})
        return AuditFilter(
            action=data.get("action") or "",
            username=(data.get("username") or "").strip(),
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
            object_type=(data.get("object_type") or "").strip(),
            object_id=(data.get("object_id") or "").strip(),
            unit=(data.get("unit") or "").strip(),
        )


class OtpCodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code"), max_length=20,
        help_text=_("The 6 digits your authenticator app shows now, or one of your recovery codes."),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "text", "autofocus": True}),
    )
