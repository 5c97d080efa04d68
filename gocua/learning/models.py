"""The digital-skills framework (versioned), residents' assessments against it, and courses (Bình dân học vụ số)."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from gocua.households.models import Resident
from gocua.teams.models import Member


class Framework(models.Model):
    """One version of a skills framework as loaded from its file; never rewritten, a revision is a new row."""

    code = models.CharField(max_length=60)
    version = models.CharField(max_length=30)
    title = models.CharField(max_length=300)
    document = models.JSONField(default=dict, blank=True)  # number, date, issuer, part
    pass_rule = models.JSONField(default=dict)
    content = models.JSONField()  # the file as loaded, for the record
    digest = models.CharField(max_length=64)  # sha256 of the canonical content: a second load is a no-op
    loaded_at = models.DateTimeField(auto_now_add=True)
    loaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["code", "version"], name="learning_framework_version_once")]
        ordering = ["-loaded_at", "-id"]

    def __str__(self) -> str:
        return f"{self.code} {self.version}"


class SkillGroup(models.Model):
    """A group of skills of one framework version, with its questions (what the resident shows they can do)."""

    framework = models.ForeignKey(Framework, on_delete=models.PROTECT, related_name="groups")
    code = models.CharField(max_length=20)
    position = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=300)
    source = models.CharField(max_length=400, blank=True)
    provisional = models.BooleanField(default=False)
    skills = models.JSONField(default=list)
    questions = models.JSONField(default=list)  # [{"code", "text", "source", "provisional"}]
    pass_min = models.PositiveSmallIntegerField()  # questions shown to pass the group

    class Meta:
        constraints = [models.UniqueConstraint(fields=["framework", "code"], name="learning_group_once")]
        ordering = ["framework", "position"]

    def __str__(self) -> str:
        return f"{self.code}. {self.title}"


class Assessment(models.Model):
    """A short assessment of one resident by a member, against one framework version."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    resident = models.ForeignKey(Resident, on_delete=models.CASCADE, related_name="assessments")
    framework = models.ForeignKey(Framework, on_delete=models.PROTECT, related_name="assessments")
    assessed_on = models.DateField(_("date of the assessment"))
    member = models.ForeignKey(Member, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    passed = models.BooleanField()
    # The resident's latest assessment (by date, then recording): the one the indicator counts.
    is_latest = models.BooleanField(default=True)
    answers = models.JSONField(default=dict)  # question code → shown (bool)
    province_code = models.CharField(max_length=16, db_index=True, editable=False)
    commune_code = models.CharField(max_length=16, db_index=True, editable=False)
    village_code = models.CharField(max_length=16, db_index=True, editable=False)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["resident"], condition=Q(is_latest=True), name="learning_one_latest"),
        ]
        indexes = [models.Index(fields=["commune_code", "is_latest", "passed"], name="learning_assess_latest")]
        ordering = ["-assessed_on", "-id"]

    def __str__(self) -> str:
        return f"{self.resident_id} {self.assessed_on} {self.framework_id}"


class GroupResult(models.Model):
    """The resident's result in one group of the framework version used."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="results")
    group = models.ForeignKey(SkillGroup, on_delete=models.PROTECT, related_name="+")
    shown = models.PositiveSmallIntegerField()
    asked = models.PositiveSmallIntegerField()
    passed = models.BooleanField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["assessment", "group"], name="learning_result_once")]

    def __str__(self) -> str:
        return f"{self.assessment_id} {self.group_id} {self.shown}/{self.asked}"


class Enrolment(models.Model):
    """A resident's or a member's participation in one Bình dân học vụ số course."""

    class Status(models.TextChoices):
        ENROLLED = "enrolled", _("Enrolled")
        COMPLETED = "completed", _("Completed")

    class Source(models.TextChoices):
        MANUAL = "manual", _("Entered by hand")
        IMPORT = "import", _("Imported from the course platform")

    resident = models.ForeignKey(Resident, on_delete=models.CASCADE, null=True, blank=True, related_name="enrolments")
    member = models.ForeignKey(Member, on_delete=models.CASCADE, null=True, blank=True, related_name="enrolments")
    course = models.CharField(_("course"), max_length=200)
    course_folded = models.CharField(max_length=200, editable=False)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.ENROLLED)
    enrolled_on = models.DateField(_("enrolled on"), null=True, blank=True)
    completed_on = models.DateField(_("completed on"), null=True, blank=True)
    certificate_number = models.CharField(_("certificate number"), max_length=60, blank=True)
    certificate_on = models.DateField(_("certificate date"), null=True, blank=True)
    source = models.CharField(max_length=8, choices=Source.choices, default=Source.MANUAL)
    province_code = models.CharField(max_length=16, db_index=True, editable=False)
    commune_code = models.CharField(max_length=16, db_index=True, editable=False)
    village_code = models.CharField(max_length=16, db_index=True, blank=True, editable=False)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(resident__isnull=False, member__isnull=True) | Q(resident__isnull=True, member__isnull=False),
                name="learning_enrolment_one_person",
            ),
            models.UniqueConstraint(fields=["resident", "course_folded"], condition=Q(resident__isnull=False),
                                    name="learning_resident_course_once"),
            models.UniqueConstraint(fields=["member", "course_folded"], condition=Q(member__isnull=False),
                                    name="learning_member_course_once"),
        ]
        ordering = ["course_folded", "id"]

    def __str__(self) -> str:
        return f"{self.course} {self.status}"

    @property
    def certified(self) -> bool:
        return bool(self.certificate_number)


class LearningStat(models.Model):
    """Counters of one village or commune, kept in the writers' transactions (provinces, nation: summed on read)."""

    code = models.CharField(max_length=16, unique=True)
    level = models.PositiveSmallIntegerField()
    assessed = models.IntegerField(default=0)  # residents with an assessment
    skills_passed = models.IntegerField(default=0)  # … whose latest one passed the framework
    enrolments = models.IntegerField(default=0)  # course participations of residents
    completed = models.IntegerField(default=0)
    certified = models.IntegerField(default=0)
    member_enrolments = models.IntegerField(default=0)  # course participations of team members
    member_certified = models.IntegerField(default=0)

    def __str__(self) -> str:
        return self.code


COUNTERS = ("assessed", "skills_passed", "enrolments", "completed", "certified", "member_enrolments", "member_certified")
