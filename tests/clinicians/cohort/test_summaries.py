"""The cohort's n, mean and sample variance are exact: the same fractions ``statistics`` gives."""

import statistics
from fractions import Fraction

from hypothesis import given
from hypothesis import strategies as st

from clinicians.cohort.report import summarise

values = st.lists(st.fractions(min_value=-10, max_value=10, max_denominator=840), max_size=40)


@given(values)
def test_summaries_equal_the_exact_statistics(found: list[Fraction]):
    summary = summarise(found)
    assert summary.n == len(found)
    assert summary.mean == (statistics.mean(found) if found else None)
    assert summary.variance == (statistics.variance(found) if len(found) > 1 else None)


def test_one_value_has_a_mean_and_no_spread():
    summary = summarise([Fraction(3, 7)])
    assert (summary.mean, summary.variance, summary.sd) == (Fraction(3, 7), None, None)
