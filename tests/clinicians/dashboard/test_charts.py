"""The server-drawn SVG charts, checked on hand-built data (no database)."""

import datetime
import re
from decimal import Decimal
from fractions import Fraction

from clinicians.dashboard import charts

DAY = datetime.date(2026, 3, 1)
HALF, REMISSION = Fraction(1, 2), Fraction(3, 20)


def _days(values, control=HALF, filled=1.0):
    return [
        charts.TrendDay(DAY + datetime.timedelta(days=i), v, control, REMISSION, filled)
        for i, v in enumerate(values)
    ]


def _trend(values, markers=(), **kwargs):
    return str(
        charts.dds_trend(
            _days(values, **kwargs), list(markers), chart_id="t", title="7-day DDS", desc="d"
        )
    )


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
    frame = charts.Frame(DAY, DAY + datetime.timedelta(days=8), 2.0, 960, 280, bottom=38)
    assert float(gaps[0][0]) == frame.x_edge(DAY + datetime.timedelta(days=3))
    assert float(gaps[1][1]) == round(frame.step * 2, 1)


def test_control_and_remission_lines_are_horizontal_at_their_values():
    svg = _trend([Fraction(1, 4)] * 5)
    frame = charts.Frame(DAY, DAY + datetime.timedelta(days=4), 2.0, 960, 280, bottom=38)
    (control,) = _lines(svg, "control-line")
    (remission,) = _lines(svg, "remission-line")
    assert control == ("0.5", str(frame.y(HALF)), str(frame.y(HALF)))
    assert remission == ("0.15", str(frame.y(REMISSION)), str(frame.y(REMISSION)))
    assert "control 0.5" in svg and "remission 0.15" in svg


def test_a_threshold_change_draws_one_segment_per_threshold():
    days = _days([Fraction(1)] * 3) + [
        charts.TrendDay(
            DAY + datetime.timedelta(days=3 + i), Fraction(1), Fraction(1), REMISSION, 1
        )
        for i in range(3)
    ]
    svg = str(charts.dds_trend(days, [], chart_id="t", title="t", desc="d"))
    assert [value for value, *_ in _lines(svg, "control-line")] == ["0.5", "1"]


def test_scores_above_two_switch_the_scale_to_four():
    low = _trend([Fraction(3, 2)] * 3)
    high = _trend([Fraction(5, 2)] * 3)
    assert ">4</text>" not in low and ">2</text>" in low
    assert ">4</text>" in high


def test_completeness_strip_shades_each_day_by_items_scored():
    svg = _trend([Fraction(1)] * 3, filled=0.5)
    assert svg.count('<rect class="filled"') == 3
    assert 'fill-opacity="0.62"' in svg  # 0.25 + 0.75 × 0.5, rounded for the attribute
    empty = _trend([None] * 3, filled=0.0)
    assert '<rect class="filled"' not in empty


def test_markers_are_drawn_with_their_text_and_only_inside_the_range():
    markers = [
        charts.Marker(
            DAY + datetime.timedelta(days=2), "treatment", "Treatment start: baricitinib"
        ),
        charts.Marker(DAY + datetime.timedelta(days=4), "steroid", "prednisolone 5 mg/day"),
        charts.Marker(DAY - datetime.timedelta(days=30), "steroid", "long ago"),
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
    marker = charts.Marker(DAY, "treatment", '<script>alert(1)</script> & "x"')
    svg = str(
        charts.dds_trend(_days([Fraction(1)]), [marker], chart_id="t", title="<b>", desc="<i>")
    )
    assert "<script>" not in svg and "<b>" not in svg and "<i>" not in svg
    assert "&lt;script&gt;" in svg


def test_sparkline_has_gaps_and_both_threshold_lines():
    values = [Fraction(1)] * 10 + [None] * 3 + [Fraction(1, 5)] * 15
    svg = str(charts.sparkline(values, control=HALF, remission=REMISSION, label="spark"))
    assert svg.count('<polyline class="dds-line"') == 2
    assert 'class="control-line"' in svg and 'class="remission-line"' in svg
    assert 'aria-label="spark"' in svg


def test_heat_map_colours_each_score_and_marks_blank_items():
    days = [DAY + datetime.timedelta(days=i) for i in range(3)]
    scores = {days[0]: {"fever": 0, "rash": 4}, days[2]: {"fever": None, "rash": 2}}
    svg = str(
        charts.heat_map(
            [("fever", "Fever"), ("rash", "Rash")], days, scores, chart_id="h", title="t", desc="d"
        )
    )
    assert svg.count('class="s0"') == 1 and svg.count('class="s4"') == 1
    assert svg.count('class="s2"') == 1
    assert svg.count('class="blank"') == 1  # fever not assessed on day 3; day 2 has no entry
    assert f'fill="{charts.HEAT[4]}"' in svg


def test_step_chart_holds_each_dose_until_the_next_and_draws_the_reference_line():
    points = [
        charts.Point(DAY, Decimal("0.4")),
        charts.Point(DAY + datetime.timedelta(days=10), Decimal("0.2")),
    ]
    svg = str(
        charts.measure_chart(
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
    )
    (path,) = re.findall(r'<path class="step" d="([^"]+)"', svg)
    assert path.count("H") == 2 and path.count("V") == 1
    assert 'class="reference-line"' in svg
