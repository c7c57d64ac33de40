"""The carer's chart: geometry from ``diary.charts.carer`` drawn by its template (no database)."""

import datetime
from fractions import Fraction

from django.template.loader import render_to_string

import scoring
from diary.charts.carer import ChartWords, dds_chart

END = datetime.date(2026, 11, 18)
WORDS = ChartWords("7-day score", "Each day's score", "control threshold", "remission range")


def _scores(values):
    days = [END - datetime.timedelta(days=len(values) - 1 - i) for i in range(len(values))]
    return [
        scoring.Score(
            value=v,
            status=scoring.Status.INSUFFICIENT,
            observed=0,
            expected=0,
            partial=False,
            missing_items=(),
            start=day - datetime.timedelta(days=6),
            end=day,
        )
        for day, v in zip(days, values, strict=True)
    ]


def _chart(values, label=lambda index, day: str(day.day)):
    return dds_chart(
        _scores(values),
        scoring.instrument_for("CANDLE"),
        has_entry=lambda day: day != END,
        axis_label=label,
        words=WORDS,
        chart_id="week",
    )


def test_threshold_labels_are_outside_the_plot_and_never_on_the_line():
    chart = _chart([Fraction(1, 2), Fraction(3, 20), None, Fraction(1), Fraction(1, 4)])
    plot_top = min(t.y1 for t in chart.grid)
    for threshold in chart.thresholds:
        assert threshold.value_x > threshold.x2  # the value: right of the plot
    assert chart.key_y < plot_top - 6  # the words: the key above the plot
    control, remission = chart.thresholds
    assert remission.value_y - control.value_y >= 11


def test_every_axis_label_fits_inside_the_chart():
    """The last day's label is centred on its column, inside the viewBox (not cut off)."""
    chart = _chart([Fraction(1)] * 28, label=lambda index, day: "Tue 18 Nov")
    half_label = 5.5 * len("Tue 18 Nov") / 2  # 10 px text: about 5.5 px a character
    for x, _y, _label in chart.days:
        assert half_label <= x <= chart.width - half_label


def test_the_chart_draws_gaps_dots_and_missing_days():
    chart = _chart([Fraction(1), Fraction(1), None, Fraction(1), Fraction(1)])
    svg = render_to_string("charts/carer_dds.svg.html", {"chart": chart})
    assert svg.count('<polyline class="dds"') == 2
    assert svg.count('<circle class="dot"') == 4
    assert svg.count('class="missing"') == 1  # END has no entry
    assert "control threshold 0.5" in svg and 'aria-labelledby="week-t week-d"' in svg
