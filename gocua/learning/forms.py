"""Forms of the learning pages: an assessment (one checkbox per question) and a course participation."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gocua.learning.models import Enrolment
from gocua.web.forms import date_field

MAX_UPLOAD = 10 * 1024 * 1024


class AssessmentForm(forms.Form):
    """The date, then one checkbox per question of the framework version, grouped on the page."""

    assessed_on = date_field(_("Date of the assessment"))

    def __init__(self, *args, framework, **kwargs):
        super().__init__(*args, **kwargs)
        self.framework = framework
        self.fields["assessed_on"].initial = timezone.localdate()
        self.groups = []
        for group in framework.groups.all():
            names = []
            for question in group.questions:
                name = f"q_{question['code']}"
                self.fields[name] = forms.BooleanField(label=question["text"], required=False)
                names.append(name)
            self.groups.append((group, names))

    def answers(self) -> dict:
        return {name[2:]: bool(value) for name, value in self.cleaned_data.items() if name.startswith("q_")}

    def grouped(self):
        return [(group, [self[name] for name in names]) for group, names in self.groups]


class EnrolmentForm(forms.Form):
    course = forms.CharField(label=_("Course"), max_length=200,
                             help_text=_("As on binhdanhocvuso.gov.vn, e.g. “Kỹ năng số cơ bản cho người dân”."))
    status = forms.ChoiceField(label=_("Status"), choices=Enrolment.Status.choices)
    enrolled_on = date_field(_("Enrolled on"), required=False)
    completed_on = date_field(_("Completed on"), required=False)
    certificate_number = forms.CharField(label=_("Certificate number"), max_length=60, required=False)
    certificate_on = date_field(_("Certificate date"), required=False)


class CourseFileForm(forms.Form):
    file = forms.FileField(label=_("Export of the course platform (XLSX or CSV)"))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD:
            raise forms.ValidationError(_("The file is larger than 10 MB."))
        return upload
