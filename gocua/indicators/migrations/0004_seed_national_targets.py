"""Seed the national targets the product named before targets were data (issue 18).

Values and documents as docs (DOMAIN.md, "official targets") name them: Decision 411/QĐ-TTg of
31/03/2022 (national strategy for the digital economy and society to 2025) and Decision
146/QĐ-TTg of 28/01/2022 (raising awareness and universalising digital skills to 2025), both
targets for 2025. The 2024 household target (every household has at least one person proficient
in the five basic skills) comes from the Ministry's guidance to the community digital technology
teams; the product applied it in 2024 and 2025. Its document number and date are not recorded
here: the note says so, and the national administrator completes them on the targets page.
Later targets (2026 and on, national or local) are added by officers, never by code.
"""

import datetime as dt
from decimal import Decimal

from django.db import migrations

D411 = ("411/QĐ-TTg", dt.date(2022, 3, 31), "Thủ tướng Chính phủ")
D146 = ("146/QĐ-TTg", dt.date(2022, 1, 28), "Thủ tướng Chính phủ")
YEAR_2025 = (dt.date(2025, 1, 1), dt.date(2025, 12, 31))
SEED = [
    ("smartphone", 80, D411, YEAR_2025, "Tỷ lệ dân số trưởng thành có điện thoại thông minh."),
    ("payment_account", 80, D411, YEAR_2025, "Tỷ lệ dân số từ 15 tuổi trở lên có tài khoản thanh toán."),
    ("digital_signature", 50, D411, YEAR_2025, "Tỷ lệ dân số trưởng thành có chữ ký số hoặc chữ ký điện tử cá nhân."),
    ("ehealth_record", 90, D411, YEAR_2025, "Tỷ lệ dân số có hồ sơ sức khỏe điện tử (GõCửa đếm người từ 15 tuổi)."),
    ("internet", 80, D411, YEAR_2025, "Tỷ lệ hộ gia đình có kết nối Internet cáp quang (GõCửa: có Internet tại nhà)."),
    ("basic_skills", 70, D146, YEAR_2025,
     "Trên 70% người trong độ tuổi lao động được phổ cập kỹ năng số cơ bản (GõCửa: người từ 15 tuổi thành thạo 5 kỹ năng)."),
    ("household_target", 100, ("", None, "Bộ Thông tin và Truyền thông"), (dt.date(2024, 1, 1), dt.date(2025, 12, 31)),
     "Mỗi hộ gia đình có ít nhất 1 người thành thạo 5 kỹ năng số cơ bản (hướng dẫn Tổ CNSCĐ năm 2024); "
     "số và ngày văn bản chưa ghi, cần bổ sung."),
]


def seed(apps, schema_editor):
    Target = apps.get_model("indicators", "Target")
    for indicator, value, (number, issued, issuer), (start, end), note in SEED:
        Target.objects.get_or_create(
            indicator=indicator, area_code="VN", starts_on=start, ends_on=end,
            defaults={"kind": "percent", "value": Decimal(value), "area_level": 0, "document_number": number,
                      "document_date": issued, "document_issuer": issuer, "note": note},
        )


def unseed(apps, schema_editor):
    Target = apps.get_model("indicators", "Target")
    for indicator, _value, _document, (start, end), _note in SEED:
        Target.objects.filter(indicator=indicator, area_code="VN", starts_on=start, ends_on=end,
                              created_by__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("indicators", "0003_targets")]
    operations = [migrations.RunPython(seed, unseed)]
