import datetime as dt

import pytest
from django.test import Client

from gocua.errors import DomainError
from gocua.indicators import charts
from gocua.indicators.periods import parse_date, parse_period, period_of

DAY = dt.date(2025, 8, 14)


@pytest.mark.parametrize(
    "kind, start, expected",
    [
        ("", "", ("month", dt.date(2025, 8, 1), dt.date(2025, 8, 31))),
        ("quarter", "", ("quarter", dt.date(2025, 7, 1), dt.date(2025, 9, 30))),
        ("year", "2024-02-29", ("year", dt.date(2024, 1, 1), dt.date(2024, 12, 31))),
        ("month", "2024-02", ("month", dt.date(2024, 2, 1), dt.date(2024, 2, 29))),
        ("2025-12", "", ("month", dt.date(2025, 12, 1), dt.date(2025, 12, 31))),
        ("2025-Q4", "", ("quarter", dt.date(2025, 10, 1), dt.date(2025, 12, 31))),
        ("2026", "", ("year", dt.date(2026, 1, 1), dt.date(2026, 12, 31))),
    ],
)
def test_periods_parse_in_every_accepted_form(kind, start, expected):
    period = parse_period(kind, start, default_day=DAY)
    assert (period.kind, period.start, period.end) == expected
    assert parse_period(period.token, "", default_day=DAY) == period


@pytest.mark.parametrize("kind, start", [("week", ""), ("2025-13", ""), ("2025-Q0", ""), ("month", "2025-02-30"),
                                         ("1999", ""), ("month", "14/08/2025")])
def test_periods_that_do_not_parse_raise_a_coded_error(kind, start):
    with pytest.raises(DomainError) as caught:
        parse_period(kind, start, default_day=DAY)
    assert caught.value.code in ("invalid_period", "invalid_date") and caught.value.status == 400


def test_dates_parse_or_say_how_to_write_them():
    assert parse_date(" 2025-07-31 ") == dt.date(2025, 7, 31) and parse_date("") is None
    with pytest.raises(DomainError, match="invalid_date") as caught:
        parse_date("31/07/2025")
    assert "YYYY-MM-DD" in str(caught.value.message)


def test_the_period_of_december_ends_with_the_year():
    assert period_of("month", dt.date(2025, 12, 3)).end == dt.date(2025, 12, 31)
    assert period_of("quarter", dt.date(2025, 12, 3)).start == dt.date(2025, 10, 1)


def test_the_bar_draws_yes_no_unknown_and_the_target_tick():
    svg = charts.stacked_bar(40.0, 25.0, 35.0, 80, label="Smartphone <b>")
    assert svg.count("<rect") == 4 and 'x1="80"' in svg
    assert "Smartphone &lt;b&gt;" in svg  # labels are escaped


def test_the_line_chart_scales_dates_and_percentages_and_escapes_labels():
    first, last = dt.date(2025, 7, 7), dt.date(2025, 9, 1)
    series = [charts.Series("A", [(first, 0.0), (last, 100.0)], target=80)]
    svg = charts.line_chart(series, title="<Trend>", marker=(dt.date(2025, 8, 4), "team"))
    assert 'points="34,160 312,10"' in svg  # 0% bottom-left, 100% top-right
    assert "&lt;Trend&gt;" in svg and "07/07/25" in svg and "01/09/25" in svg and "team" in svg
    assert charts.line_chart([charts.Series("B", [(first, None)])], title="x") == ""


def test_the_map_places_points_by_coordinates_and_colours_them_by_value():
    points = [
        charts.MapPoint("North", 21.5, 105.5, 80.0, "/dashboards/1/"),
        charts.MapPoint("South", 20.5, 105.5, 10.0),
        charts.MapPoint("Nowhere", None, None, 50.0),
    ]
    svg = charts.scatter_map(points, title="Coverage")
    assert svg.count("<circle") == 2
    assert svg.index("North: 80%") < svg.index("South: 10%")  # the weak point is drawn last, on top
    assert 'href="/dashboards/1/"' in svg and charts.colour_of(80.0) in svg and charts.colour_of(10.0) in svg
    assert charts.colour_of(None) == charts.NO_DATA


@pytest.mark.django_db
def test_no_dashboard_url_answers_with_a_server_error_for_any_role(data):
    """Every route of this app, as every role, for a code inside, outside and unknown: never a 5xx."""
    world = data.world
    codes = ["01", world.village.code, "19774", "99999-999"]
    routes = ["", "report/", "report.xlsx", "indicators.csv", "children.csv", "teams.csv", "trend.csv"]
    queries = ["", "?date=2025-07-01&period=quarter&sort=zzz&map=zzz&desc=1", "?period=2025-Q9"]
    for role in [None, "national_admin", "commune_officer", "team_member"]:
        client = Client(raise_request_exception=False)
        if role:
            client.force_login(world.users[role])
        for code in codes:
            for route in routes:
                for query in queries:
                    response = client.get(f"/dashboards/{code}/{route}{query}")
                    assert response.status_code < 500, (role, code, route, query)
        for path in ("/api/v1/units/VN/indicators?date=2030-01-01", "/api/v1/units/01/children/indicators?period=year"):
            assert client.get(path).status_code < 500
