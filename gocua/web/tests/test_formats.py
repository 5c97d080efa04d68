"""Dates read dd/mm/yyyy in both languages (Django's own Vietnamese format uses dashes)."""

import datetime as dt

import pytest
from django.template import Context, Template
from django.utils import translation
from django.utils.formats import date_format


@pytest.mark.parametrize("language", ["vi", "en"])
def test_dates_are_day_month_year_with_slashes(language):
    with translation.override(language):
        assert date_format(dt.date(2026, 1, 5), "SHORT_DATE_FORMAT") == "05/01/2026"
        assert Template('{{ d|date:"SHORT_DATE_FORMAT" }}').render(Context({"d": dt.date(2026, 1, 5)})) == "05/01/2026"
        assert date_format(dt.datetime(2026, 1, 5, 14, 30), "SHORT_DATETIME_FORMAT") == "05/01/2026 14:30"
