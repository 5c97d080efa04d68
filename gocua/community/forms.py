"""Page forms of the community app (parsing only: the services validate and decide)."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gocua.community import vietqr
from gocua.community.images import max_bytes
from gocua.community.models import LedgerEntry, Project
from gocua.web.forms import date_field, numeric

MONEY_HELP = _("Whole đồng, e.g. 500000 or 500.000.")
IMAGE_ATTRS = {"accept": "image/jpeg,image/png,image/webp"}


class ProjectForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=Project.Kind.choices)
    description = forms.CharField(
        label=_("Description"), required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Public: shown on the village page."),
    )
    goal_vnd = forms.CharField(label=_("Goal (VND)"), required=False, widget=numeric(), help_text=MONEY_HELP)
    goal_labour_days = forms.CharField(
        label=_("Goal (labour days)"), required=False, widget=numeric({"inputmode": "decimal"}),
        help_text=_("In half days: 1, 1.5, 2…"),
    )
    starts_on = date_field(_("Start date"), required=False)
    ends_on = date_field(_("End date"), required=False)
    team = forms.ModelChoiceField(label=_("Team responsible"), queryset=None, required=False)
    responsible_name = forms.CharField(
        label=_("Person responsible"), max_length=120, required=False, help_text=_("Public.")
    )
    bank_bin = forms.ChoiceField(
        label=_("Bank for transfers"), required=False,
        help_text=_("Optional. With a bank and an account, the public page shows a VietQR code that any banking app scans."),
    )
    bank_account = forms.CharField(label=_("Account number"), max_length=30, required=False,
                                   widget=numeric({"autocomplete": "off"}))
    bank_account_name = forms.CharField(label=_("Account holder"), max_length=70, required=False,
                                        help_text=_("As on the bank card, e.g. NGUYEN VAN AN."))

    def __init__(self, *args, teams, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = teams
        self.fields["bank_bin"].choices = [("", "—"), *vietqr.banks().items()]


class UnitChoiceForm(forms.Form):
    unit = forms.CharField(
        label=_("Village or commune code"), max_length=32,
        help_text=_("The code shown on the village or commune page, e.g. 09784-001."),
    )


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=Project.Status.choices)


class ContributionForm(forms.Form):
    entry_on = date_field(_("Date"))
    giver = forms.ChoiceField(
        label=_("From"), choices=LedgerEntry.Giver.choices, widget=forms.RadioSelect,
        initial=LedgerEntry.Giver.HOUSEHOLD,
    )
    household_key = forms.CharField(
        label=_("Household key"), max_length=60, required=False,
        help_text=_("For a household: its key in the village roster (another village: code/key)."),
    )
    giver_name = forms.CharField(
        label=_("Name to show"), max_length=120, required=False,
        help_text=_("Only shown publicly if the giver chooses “by name”."),
    )
    display = forms.ChoiceField(
        label=_("The giver chooses to appear publicly"), choices=LedgerEntry.Display.choices,
        widget=forms.RadioSelect, initial=LedgerEntry.Display.ANONYMOUS,
    )
    money_vnd = forms.CharField(label=_("Money (VND)"), required=False, widget=numeric(), help_text=MONEY_HELP)
    labour_days = forms.CharField(
        label=_("Labour days"), required=False, widget=numeric({"inputmode": "decimal"}),
        help_text=_("In half days: 0.5, 1, 1.5…"),
    )
    materials = forms.CharField(
        label=_("Materials"), max_length=300, required=False, help_text=_("e.g. 20 bags of cement, 1 pole.")
    )
    transfer_reference = forms.CharField(
        label=_("Bank transfer message"), max_length=60, required=False,
        help_text=_("For a bank transfer: the message on the bank statement, e.g. GOCUA P12 TT-001. Each transfer is recorded once."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["entry_on"].initial = timezone.localdate()


class ExpenseForm(forms.Form):
    entry_on = date_field(_("Date"))
    description = forms.CharField(label=_("What the money paid for"), max_length=300)
    money_vnd = forms.CharField(label=_("Amount (VND)"), widget=numeric(), help_text=MONEY_HELP)
    receipt = forms.FileField(
        label=_("Photo of the receipt"), required=False, widget=forms.ClearableFileInput(attrs=IMAGE_ATTRS),
        help_text=_("Optional. Seen only by the team and officers."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["entry_on"].initial = timezone.localdate()


class ReverseForm(forms.Form):
    reason = forms.CharField(
        label=_("Why this entry is wrong"), max_length=300,
        help_text=_("Shown on the printed statement; write no personal details."),
    )


class PhotoForm(forms.Form):
    image = forms.FileField(
        label=_("Photo"), widget=forms.ClearableFileInput(attrs=IMAGE_ATTRS),
    )
    caption = forms.CharField(label=_("Caption"), max_length=200, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["image"].help_text = _(
            "Public on the village page: no faces, no house numbers. At most %(mb)s MB."
        ) % {"mb": round(max_bytes() / 2**20, 1)}
