"""The officer's map-change form (one form for every operation; the service checks what each needs)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from gocua.places.models import VILLAGE_KINDS, Kind, Level, Reorganisation
from gocua.web.forms import date_field

Op = Reorganisation.Operation
VILLAGE_OPS = [Op.VILLAGE_MERGE, Op.VILLAGE_ABSORB, Op.VILLAGE_SPLIT, Op.VILLAGE_MOVE, Op.VILLAGE_RENAME,
               Op.VILLAGE_RETIRE]
COMMUNE_OPS = [Op.COMMUNE_MERGE, Op.COMMUNE_ABSORB, Op.COMMUNE_SPLIT, Op.COMMUNE_MOVE, Op.COMMUNE_RENAME,
               Op.COMMUNE_RETIRE]
KINDS = [("", _("Same as before"))] + [(k, Kind(k).label) for k in [*VILLAGE_KINDS, Kind.XA, Kind.PHUONG]]


class ReorgForm(forms.Form):
    operation = forms.ChoiceField(label=_("Change"))
    units = forms.MultipleChoiceField(label=_("Units concerned"), widget=forms.CheckboxSelectMultiple, required=False,
                                      help_text=_("Merge: two or more. Split, move, rename, retire: exactly one."))
    into = forms.ChoiceField(label=_("Merged into (existing unit)"), required=False)
    name = forms.CharField(label=_("New name"), max_length=120, required=False,
                           help_text=_("Merge into a new unit, rename."))
    kind = forms.ChoiceField(label=_("Kind of the new unit"), choices=KINDS, required=False)
    code = forms.CharField(label=_("Official code of the new commune"), max_length=5, required=False)
    to_commune = forms.CharField(label=_("Move to commune (code)"), max_length=16, required=False)
    split_sheet = forms.FileField(label=_("Split: sheet of household key → new village name"), required=False,
                                  help_text=_("Two columns: household key, new village name (.xlsx, .xls, .ods)."))
    split_list = forms.CharField(
        label=_("Split: or one line per household"), required=False, widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("household key, new village name — one per line"))
    to_province = forms.CharField(label=_("Move to province (code)"), max_length=16, required=False,
                                  help_text=_("Move a commune: the province code, e.g. 46; give the new commune code above."))
    commune_split_list = forms.CharField(
        label=_("Split a commune: one line per village"), required=False, widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("village code or name, new commune code, new commune name — one per line"))
    teams_to = forms.IntegerField(label=_("Split: the new village (1, 2, …) that keeps the teams"), min_value=1,
                                  initial=1, required=False)
    decision_number = forms.CharField(label=_("Decision number"), max_length=60)
    decision_date = date_field(_("Decision date"))
    decision_issuer = forms.CharField(label=_("Issued by"), max_length=200)
    effective_on = date_field(_("Effective date"), help_text=_("A future date schedules the change for that day."))
    # Filled by the preview: what was read from the sheet, so confirming does not need the file again.
    parts_json = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, level: int, children, **kwargs):
        super().__init__(*args, **kwargs)
        ops = VILLAGE_OPS if level == Level.COMMUNE else COMMUNE_OPS
        self.fields["operation"].choices = [(op, Op(op).label) for op in ops]
        choices = [(u.code, f"{u.name} ({u.code})") for u in children]
        self.fields["units"].choices = choices
        self.fields["into"].choices = [("", "—"), *choices]
        if level != Level.COMMUNE:
            for name in ("to_commune", "split_sheet", "split_list"):
                del self.fields[name]
            self.fields["teams_to"].label = _("Split: the new commune (1, 2, …) that keeps the commune's teams")
        else:
            for name in ("code", "to_province", "commune_split_list"):
                del self.fields[name]
