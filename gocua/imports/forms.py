"""Page forms of the importer (parsing only: the services validate)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from gocua.imports.reader import max_bytes


class UploadForm(forms.Form):
    commune = forms.CharField(
        label=_("Commune code"),
        max_length=16,
        help_text=_("The 5-digit code of the commune or ward, e.g. 09784 for Xã Đan Phượng."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off", "list": "commune-choices"}),
    )
    file = forms.FileField(
        label=_("Roster file"),
        help_text=_("Excel (.xlsx) or CSV, at most %(mb)s MB.") % {"mb": max_bytes() // 2**20},
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.xlsm,.xls,.ods,.csv,.txt"}),
    )

    def __init__(self, *args, fixed_commune=None, **kwargs):
        super().__init__(*args, **kwargs)
        if fixed_commune is not None:
            # A commune officer imports into their own commune; the value is not read from the form.
            del self.fields["commune"]
