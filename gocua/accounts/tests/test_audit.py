import pytest
from django.db import DatabaseError, connection, transaction

from gocua.accounts.models import AuditEvent
from gocua.accounts.services import audit_record


@pytest.mark.django_db
def test_audit_log_refuses_raw_update():
    event = audit_record(actor=None, action=AuditEvent.Action.LOGIN_FAILED, username="x")
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE accounts_auditevent SET action = 'login' WHERE id = %s", [event.pk])
    event.refresh_from_db()
    assert event.action == AuditEvent.Action.LOGIN_FAILED


@pytest.mark.django_db
def test_audit_log_refuses_raw_delete():
    event = audit_record(actor=None, action=AuditEvent.Action.LOGIN_FAILED, username="x")
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM accounts_auditevent WHERE id = %s", [event.pk])
    assert AuditEvent.objects.filter(pk=event.pk).exists()
