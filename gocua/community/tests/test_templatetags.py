"""Amounts read the local way: 1.500.000 ₫ in Vietnamese, 1,500,000 ₫ in English."""

from decimal import Decimal

from django.utils import translation

from gocua.community.templatetags.community_tags import days, vnd


def test_amounts_are_grouped_by_three_in_both_languages():
    with translation.override("vi"):
        assert (vnd(1_500_000), vnd(-2_000), vnd(0), days(Decimal("1.5")), days(Decimal("2.0"))) == (
            "1.500.000 ₫", "-2.000 ₫", "0 ₫", "1,5", "2")
    with translation.override("en"):
        assert (vnd(1_500_000), days(Decimal("8.5"))) == ("1,500,000 ₫", "8.5")
