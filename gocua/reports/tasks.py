"""Background task of the periodic reports (django-tasks, database backend): the XLSX workbook.

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
