"""The alert form: the fields are checked again by the services, which give the messages users act on."""

import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gocua.alerts.models import Alert
from gocua.community.images import max_bytes
from gocua.web.forms import date_field

IMAGE_ATTRS = {"accept": "image/jpeg,image/png,image/webp"}
DEFAULT_DAYS = 30


class AlertForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=160,
                            help_text=_("Short, as residents say it: “Giả danh công an gọi điện”."))
    looks_like = forms.CharField(label=_("What the scam looks like"), max_length=2000,
                                 widget=forms.Textarea(attrs={"rows": 4}))
    what_to_do = forms.CharField(label=_("What to do"), max_length=2000, required=False,
                                 widget=forms.Textarea(attrs={"rows": 3}))
    severity = forms.ChoiceField(label=_("Severity"), choices=Alert.Severity.choices, initial=Alert.Severity.WARNING)
    # A code, not a ChoiceField: the service judges the area, so another commune is a 403, not a form slip.
    area = forms.CharField(label=_("Area"), max_length=16, widget=forms.Select,
                           help_text=_("Every team of this area sees the alert."))
    expires_on = date_field(_("Last day"))
    image = forms.FileField(label=_("Image"), required=False, widget=forms.ClearableFileInput(attrs=IMAGE_ATTRS))

    def __init__(self, *args, areas=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].widget.choices = [(u.code, u.name) for u in areas]
        self.fields["expires_on"].initial = timezone.localdate() + dt.timedelta(days=DEFAULT_DAYS)
        self.fields["image"].help_text = _(
            "Optional: a screenshot of the fake message, with no one's name or number. At most %(mb)s MB."
        ) % {"mb": round(max_bytes() / 2**20, 1)}
