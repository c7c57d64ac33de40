"""The server-drawn SVG charts, checked on hand-built data (no database): the geometry from
``diary.charts`` drawn by its templates in ``templates/charts/``."""

import datetime
import re
from decimal import Decimal
from fractions import Fraction

from django.template.loader import render_to_string

from diary.charts import heat, measure, trend
from diary.charts.frame import Frame

DAY = datetime.date(2026, 3, 1)
HALF, REMISSION = Fraction(1, 2), Fraction(3, 20)


def _days(values, control=HALF, filled=1.0):
    return [
        trend.TrendDay(DAY + datetime.timedelta(days=i), v, control, REMISSION, filled)
        for i, v in enumerate(values)
    ]


def _draw_trend(days, markers=(), title="7-day DDS", desc="d"):
    chart = trend.dds_trend(days, list(markers), chart_id="t", title=title, desc=desc)
    return render_to_string("charts/dds_trend.svg.html", {"chart": chart})


def _trend(values, markers=(), **kwargs):
    return _draw_trend(_days(values, **kwargs), markers)


def _lines(svg, css):
    return re.findall(
        rf'<line class="{css}" data-value="([^"]+)" x1="[^"]+" x2="[^"]+" '
        rf'y1="([^"]+)" y2="([^"]+)"',
        svg,
    )


def test_the_trend_breaks_its_line_at_every_insufficient_day():
    one, none = Fraction(1), None
    svg = _trend([one, one, one, none, one, one, none, none, one])
    polylines = re.findall(r'<polyline class="dds-line" points="([^"]+)"', svg)
    # Three runs: days 0-2 and 4-5 as lines, day 8 alone as a dot; nothing bridges a gap.
    assert [len(p.split()) for p in polylines] == [3, 2]
    assert svg.count('<circle class="dds-line"') == 1
    gaps = re.findall(r'<rect class="gap" x="([^"]+)" y="[^"]+" width="([^"]+)"', svg)
    assert len(gaps) == 2
    frame = Frame(DAY, DAY + datetime.timedelta(days=8), 2.0, 960, 280, bottom=38)
    assert float(gaps[0][0]) == frame.x_edge(DAY + datetime.timedelta(days=3))
    assert float(gaps[1][1]) == round(frame.step * 2, 1)


def test_control_and_remission_lines_are_horizontal_at_their_values():
    svg = _trend([Fraction(1, 4)] * 5)
    frame = Frame(DAY, DAY + datetime.timedelta(days=4), 2.0, 960, 280, bottom=38)
    (control,) = _lines(svg, "control-line")
    (remission,) = _lines(svg, "remission-line")
    assert control == ("0.5", str(frame.y(HALF)), str(frame.y(HALF)))
    assert remission == ("0.15", str(frame.y(REMISSION)), str(frame.y(REMISSION)))
    assert "control 0.5" in svg and "remission 0.15" in svg


def test_threshold_labels_sit_in_the_right_margin_apart_from_each_other():
    """Never drawn through the line: right of the plot, and never on top of each other."""
    days = _days([Fraction(1)] * 5)
    chart = trend.dds_trend(days, [], chart_id="t", title="t", desc="d", height=120)
    plot_right = chart.width - 92
    assert all(label.x > plot_right for label in chart.threshold_labels)
    control, remission = (label.y for label in chart.threshold_labels)
    assert remission - control >= 11


def test_a_threshold_change_draws_one_segment_per_threshold():
    days = _days([Fraction(1)] * 3) + [
        trend.TrendDay(DAY + datetime.timedelta(days=3 + i), Fraction(1), Fraction(1), REMISSION, 1)
        for i in range(3)
    ]
    svg = _draw_trend(days, title="t")
    assert [value for value, *_ in _lines(svg, "control-line")] == ["0.5", "1"]


def test_scores_above_two_switch_the_scale_to_four():
    low = _trend([Fraction(3, 2)] * 3)
    high = _trend([Fraction(5, 2)] * 3)
    assert ">4</text>" not in low and ">2</text>" in low
    assert ">4</text>" in high


def test_completeness_strip_shades_each_day_by_items_scored():
    svg = _trend([Fraction(1)] * 3, filled=0.5)
    # One path per shade, one cell (subpath) per day with an entry.
    (cells,) = re.findall(r'<path class="filled" d="([^"]+)"[^>]*fill-opacity="0.62"', svg)
    assert cells.count("M") == 3  # 0.25 + 0.75 × 0.5, rounded for the attribute
    empty = _trend([None] * 3, filled=0.0)
    assert 'class="filled"' not in empty


def test_markers_are_drawn_with_their_text_and_only_inside_the_range():
    markers = [
        trend.Marker(DAY + datetime.timedelta(days=2), "treatment", "Treatment start: baricitinib"),
        trend.Marker(DAY + datetime.timedelta(days=4), "steroid", "prednisolone 5 mg/day"),
        trend.Marker(DAY - datetime.timedelta(days=30), "steroid", "long ago"),
    ]
    svg = _trend([Fraction(1)] * 6, markers)
    assert svg.count('class="marker marker-treatment"') == 1
    assert svg.count('class="marker marker-steroid"') == 1
    assert "Treatment start: baricitinib" in svg and "long ago" not in svg


def test_every_chart_is_an_accessible_image_with_title_and_description():
    svg = _trend([Fraction(1)] * 3)
    assert 'role="img"' in svg and 'aria-label="7-day DDS"' in svg
    assert "<title>7-day DDS</title>" in svg and '<desc id="t-d">d</desc>' in svg
    assert 'aria-describedby="t-d"' in svg


def test_text_reaching_a_chart_is_escaped():
    marker = trend.Marker(DAY, "treatment", '<script>alert(1)</script> & "x"')
    svg = _draw_trend(_days([Fraction(1)]), [marker], title="<b>", desc="<i>")
    assert "<script>" not in svg and "<b>" not in svg and "<i>" not in svg
    assert "&lt;script&gt;" in svg


def test_sparkline_has_gaps_and_both_threshold_lines():
    values = [Fraction(1)] * 10 + [None] * 3 + [Fraction(1, 5)] * 15
    spark = trend.sparkline(values, control=HALF, remission=REMISSION, label="spark")
    svg = render_to_string("charts/sparkline.svg.html", {"spark": spark})
    assert svg.count('<polyline class="dds-line"') == 2
    assert 'class="control-line"' in svg and 'class="remission-line"' in svg
    assert 'aria-label="spark"' in svg


def test_heat_map_colours_each_score_and_marks_blank_items():
    days = [DAY + datetime.timedelta(days=i) for i in range(3)]
    scores = {days[0]: {"fever": 0, "rash": 4}, days[2]: {"fever": None, "rash": 2}}
    chart = heat.heat_map(
        [("fever", "Fever"), ("rash", "Rash")], days, scores, chart_id="h", title="t", desc="d"
    )
    svg = render_to_string("charts/heat_map.svg.html", {"chart": chart})
    assert svg.count('class="s0"') == 1 and svg.count('class="s4"') == 1
    assert svg.count('class="s2"') == 1
    assert svg.count('class="blank"') == 1  # fever not assessed on day 3; day 2 has no entry
    assert f'fill="{heat.HEAT[4]}"' in svg
    # One cell each: the days with an entry (1 and 3), none for day 2.
    assert sum(d.count("M") for row in chart.rows for d in (s.d for s in row.shapes)) == 4


def test_step_chart_holds_each_dose_until_the_next_and_draws_the_reference_line():
    points = [
        measure.Point(DAY, Decimal("0.4")),
        measure.Point(DAY + datetime.timedelta(days=10), Decimal("0.2")),
    ]
    chart = measure.measure_chart(
        points,
        DAY,
        DAY + datetime.timedelta(days=19),
        chart_id="s",
        title="t",
        desc="d",
        unit="mg/kg/day",
        step=True,
        reference=(Decimal("0.15"), "0.15"),
    )
    svg = render_to_string("charts/measure.svg.html", {"chart": chart})
    (path,) = re.findall(r'<path class="step" d="([^"]+)"', svg)
    assert path.count("H") == 2 and path.count("V") == 1
    assert 'class="reference-line"' in svg


def test_chart_numbers_are_not_localised():
    """Coordinates stay plain numbers whatever the page's language (no decimal commas)."""
    from django.utils import translation

    with translation.override("ja"):
        svg = _trend([Fraction(1, 3)] * 4)
    assert re.search(r'y1="\d+\.\d"', svg)
