"""Helpers for alert tests: publish through the real service."""

import datetime as dt

from django.utils import timezone

from gocua import testing as f
from gocua.alerts.services import alert_publish

LOOKS_LIKE = "Kẻ gian gọi điện xưng là công an phường, nói bạn liên quan đến vụ án và yêu cầu chuyển tiền để “xác minh”."
WHAT_TO_DO = "Cúp máy. Công an không bao giờ yêu cầu chuyển tiền qua điện thoại. Báo ngay cho tổ công nghệ số."


def publish(actor, area="01", **extra):
    values = {"title": "Giả danh công an gọi điện đòi chuyển tiền", "looks_like": LOOKS_LIKE, "what_to_do": WHAT_TO_DO,
              "severity": "danger", "expires_on": timezone.localdate() + dt.timedelta(days=30), **extra}
    return alert_publish(actor=actor, unit=f.unit(area) if isinstance(area, str) else area, **values)
