"""Background tasks of the reports (django-tasks, database backend): the periodic report's XLSX workbook
and the dashboard's period workbook.

The job, its progress and its failure are the importer's (`imports.ExportJob`, `imports.tasks`):
the same claim, progress recorder and error record, with the report's own work.
"""

from django.utils import translation
from django_tasks import task

from gocua.imports.models import ExportJob
from gocua.imports.tasks import run_export_job
from gocua.reports import services


@task()
def report_workbook(job_id: int, language: str = "vi") -> str:
    """Prepare a report's XLSX workbook in the officer's language (kept encrypted on the job until it expires)."""
    with translation.override(language):
        return run_export_job(job_id, kind=ExportJob.Kind.REPORT, run=services.report_export_run)


@task()
def dashboard_workbook(job_id: int, language: str = "vi") -> str:
    """Prepare a dashboard's period workbook in the officer's language (kept encrypted on the job until it expires)."""
    with translation.override(language):
        return run_export_job(job_id, kind=ExportJob.Kind.DASHBOARD, run=services.dashboard_export_run)
