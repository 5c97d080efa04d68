"""Background tasks of the field app (run by `gocua db_worker`)."""

from django_tasks import task


@task()
def push_digest_task() -> int:
    """Push the morning digest to subscribed phones, then wait for the next morning."""
    from gocua.field.push import digest_push_all, digest_schedule

    sent = digest_push_all()
    digest_schedule()
    return sent


@task()
def push_alert_task(alert_id: int) -> int:
    """Push a newly published scam alert to the subscribed phones of its area."""
    from gocua.field.push import alert_push

    return alert_push(alert_id)
