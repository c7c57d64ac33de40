"""The period summary in the shape of the 2023 trial's Table 2 (SPEC §3.4).

One row per period: the baseline first (the pre-treatment period's whole-period score, or else
the 7-day DDS on the day before treatment start), then each clinician-defined period in date
order, then the current 28 days. For each: the DDS at the period end, change from baseline,
the proportion of days below the control threshold, PGA, corticosteroid mg/kg/day, its change
from the baseline dose in percent and whether the steroid response criterion is met (all exact;
the template rounds for display).

A DDS or PGA missing at a period's end may be carried forward from an earlier day (LOCF), and
then it is always marked as carried forward with the date it comes from.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from django.utils.translation import gettext as _

import scoring
from clinicians.dashboard.scores import PatientDays
from clinicians.records.selectors import ClinicalRecords

ONE_DAY = datetime.timedelta(days=1)
CURRENT_DAYS = 28


@dataclass(frozen=True)
class PeriodRow:
    label: str
    start: datetime.date
    end: datetime.date
    ongoing: bool
    is_baseline: bool
    dds: Fraction | None
    dds_day: datetime.date | None
    dds_carried: bool
    dds_whole_period: bool
    change: scoring.Change | None
    proportion: Fraction | None
    pga: Decimal | None
    pga_day: datetime.date | None
    pga_carried: bool
    steroid_mg_per_kg: Fraction | None
    steroid_change_percent: Fraction | None
    steroid_response: bool | None


def earliest_day(records: ClinicalRecords, today: datetime.date) -> datetime.date:
    """The first diary day the period table reads (its windows start 6 days earlier)."""
    candidates = [today - datetime.timedelta(days=CURRENT_DAYS - 1)]
    candidates += [p.start for p in records.periods]
    baseline = records.baseline_day()
    if baseline is not None:
        candidates.append(baseline)
    return min(candidates) - datetime.timedelta(days=scoring.DDS_WINDOW_DAYS - 1)


def period_table(
    days: PatientDays, records: ClinicalRecords, today: datetime.date
) -> list[PeriodRow]:
    """The rows of the period summary (``days`` must reach back to :func:`earliest_day`)."""
    baseline = _baseline(days, records, today)
    rows = [] if baseline is None else [baseline]
    base_value = None if baseline is None else baseline.dds
    locf_from = records.baseline_day() or earliest_day(records, today)
    for period in records.periods:
        if period.is_pre_treatment or period.start > today:
            continue
        rows.append(
            _row(
                days,
                records,
                label=period.display_name,
                start=period.start,
                end=min(period.end, today),
                ongoing=period.end > today,
                base_value=base_value,
                locf_from=locf_from,
            )
        )
    rows.append(
        _row(
            days,
            records,
            label=_("Last 28 days"),
            start=today - datetime.timedelta(days=CURRENT_DAYS - 1),
            end=today,
            ongoing=True,
            base_value=base_value,
            locf_from=locf_from,
        )
    )
    return rows


def _baseline(
    days: PatientDays, records: ClinicalRecords, today: datetime.date
) -> PeriodRow | None:
    period = records.pre_treatment_period
    if period is not None:
        end = min(period.end, today)
        start = min(period.start, end)
        score = days.window(start, end).score
        whole = True
        label = _("%(period)s (pre-treatment)") % {"period": period.display_name}
    else:
        if records.treatment_start is None or records.treatment_start > today + ONE_DAY:
            return None
        end = records.treatment_start - ONE_DAY
        start = end - datetime.timedelta(days=scoring.DDS_WINDOW_DAYS - 1)
        score = days.dds_on(end).score
        whole = False
        label = _("Baseline (7 days before treatment)")
    pga, pga_day, pga_carried = _pga(records, start, end + ONE_DAY)
    steroid = records.steroid_on(end)
    return PeriodRow(
        label=label,
        start=start,
        end=end,
        ongoing=False,
        is_baseline=True,
        dds=score.value,
        dds_day=end if score.value is not None else None,
        dds_carried=False,
        dds_whole_period=whole,
        change=None,
        proportion=days.proportion_below(start, end),
        pga=pga,
        pga_day=pga_day,
        pga_carried=pga_carried,
        steroid_mg_per_kg=steroid.mg_per_kg,
        steroid_change_percent=None,
        steroid_response=None,
    )


def _row(
    days: PatientDays,
    records: ClinicalRecords,
    *,
    label: str,
    start: datetime.date,
    end: datetime.date,
    ongoing: bool,
    base_value: Fraction | None,
    locf_from: datetime.date,
) -> PeriodRow:
    at_end = days.dds_on(end)
    value, value_day, carried = at_end.score.value, end, False
    if value is None:
        earlier = days.last_sufficient(end - ONE_DAY, min(locf_from, end - ONE_DAY))
        if earlier is not None:
            value, value_day, carried = earlier.score.value, earlier.date, True
        else:
            value_day = None
    pga, pga_day, pga_carried = _pga(records, start, end)
    steroid = records.steroid_versus_baseline(end)
    return PeriodRow(
        label=label,
        start=start,
        end=end,
        ongoing=ongoing,
        is_baseline=False,
        dds=value,
        dds_day=value_day,
        dds_carried=carried,
        dds_whole_period=False,
        change=scoring.change_from_baseline(base_value, value),
        proportion=days.proportion_below(start, end),
        pga=pga,
        pga_day=pga_day,
        pga_carried=pga_carried,
        steroid_mg_per_kg=steroid.current.mg_per_kg,
        steroid_change_percent=steroid.change_percent,
        steroid_response=steroid.response,
    )


def _pga(
    records: ClinicalRecords, start: datetime.date, end: datetime.date
) -> tuple[Decimal | None, datetime.date | None, bool]:
    """The latest PGA within ``[start, end]``, else the latest before it, carried forward."""
    latest = records.pga_on_or_before(end)
    if latest is None:
        return None, None, False
    return latest.score, latest.date, latest.date < start
