"""Background tasks of the places app (run by `gocua db_worker`)."""

from django_tasks import task


@task()
def reorganisation_apply_task(reorganisation_id: int) -> str:
    """Apply a scheduled map change on its effective date (a change already applied is left alone)."""
    from gocua.places.reorg import reorganisation_apply

    return reorganisation_apply(reorganisation_id=reorganisation_id).status
