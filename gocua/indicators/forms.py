"""The target form (parsing only: indicators.services.target_clean validates)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from gocua.indicators.figures import MEASURES
from gocua.indicators.models import Target
from gocua.web.forms import date_field


class TargetForm(forms.Form):
    indicator = forms.ChoiceField(label=_("Indicator"), choices=[(m.key, m.label) for m in MEASURES])
    kind = forms.ChoiceField(label=_("Counted as"), choices=Target.Kind.choices, initial=Target.Kind.PERCENT)
    value = forms.CharField(label=_("Target"), max_length=20, help_text=_("e.g. 85 (percent) or 1200 (people)"),
                            widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}))
    starts_on = date_field(_("In force from"))
    ends_on = date_field(_("In force until"), help_text=_("For a year: 01/01 to 31/12."))
    document_number = forms.CharField(label=_("Document number"), max_length=64, help_text=_("e.g. 12/KH-UBND"))
    document_date = date_field(_("Document date"))
    document_issuer = forms.CharField(label=_("Issued by"), max_length=160, help_text=_("e.g. UBND tỉnh Nghệ An"))
    note = forms.CharField(label=_("Note"), max_length=300, required=False)
