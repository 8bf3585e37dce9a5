"""Forecasting methods on tiny series, against values worked out by hand; the calendar; the
reorder policy formula; and invariants that must hold for any demand (hypothesis)."""

from datetime import date
from math import sqrt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from daigou_cli.core.errors import InvalidInput
from daigou_cli.core.forecast import calendar, engine, methods
from daigou_cli.core.forecast.policy import Policy, eoq, packs, reorder_policy, suggested_qty

# ----------------------------------------------------------------- demand classes


@pytest.mark.parametrize("series, expected", [
    ([2, 3, 2, 3, 2, 3, 2, 3], ("smooth", 1.0, 0.04)),                   # sold daily, steady sizes
    ([1, 9, 1, 9, 1, 9], ("erratic", 1.0, 0.64)),                         # daily, sizes jump
    ([3, 0, 0, 3, 0, 0, 3, 0, 0], ("intermittent", 3.0, 0.0)),            # every third day, same size
    ([1, 0, 0, 9, 0, 0, 1, 0, 0, 9], ("lumpy", 2.5, 0.64)),               # now and then, in bursts
])
def test_demand_class_by_adi_and_cv2(series, expected):
    kind, adi, cv2 = methods.classify(series)
    assert (kind, round(adi, 6), round(cv2, 6)) == expected


def test_the_cut_offs_belong_to_the_intermittent_and_erratic_side():
    # 25 sales in 33 days: ADI = 1.32 exactly, which is not below 1.32.
    series = [1] * 25 + [0] * 8
    assert methods.classify(series)[:2] == ("intermittent", 1.32)
    # Sizes alternating a, b: CV² = ((b − a) / (a + b))². 1 and 4: 0.36, smooth; 3 and 17:
    # (14/20)² = 0.49 exactly, erratic; 1 and 6: 0.51, erratic.
    assert methods.classify([1, 4] * 4)[0] == "smooth"
    assert methods.classify([3, 17] * 4)[:3:2] == ("erratic", 0.49)
    assert methods.classify([1, 6] * 4)[0] == "erratic"


def test_no_sale_is_class_none():
    assert methods.classify([0, 0, 0]) == ("none", None, None)


# ----------------------------------------------------------------- SES and TSB


def test_ses_by_hand():
    # level 4, then 4 + 0.1 × (0 − 4) = 3.6, then 3.6 + 0.1 × (2 − 3.6) = 3.44
    assert methods.ses([4, 0, 2]) == pytest.approx([4.0, 3.6, 3.44])


def test_tsb_by_hand():
    # Starts at p = 2 sales / 5 days = 0.4 and size = mean sale 4.
    # day 0, no sale:  p = 0.4 − 0.1 × 0.4 = 0.36,           size 4      → 1.44
    # day 1, sells 3:  p = 0.36 + 0.1 × 0.64 = 0.424,        size 3.9    → 1.6536
    # day 2, none:     p = 0.3816                                        → 1.48824
    # day 3, none:     p = 0.34344                                       → 1.339416
    # day 4, sells 5:  p = 0.34344 + 0.1 × 0.65656 = 0.409096, size 4.01 → 1.64047496
    assert methods.tsb([0, 3, 0, 0, 5]) == pytest.approx([1.44, 1.6536, 1.48824, 1.339416, 1.64047496])


def test_tsb_fades_out_demand_that_stopped():
    # After the last sale only the probability moves: × 0.9 a day, so 40 quiet days leave 1.5%.
    levels = methods.tsb([2, 2, 2, 2] + [0] * 40)
    assert levels[-1] / levels[3] == pytest.approx(0.9 ** 40)


def test_a_new_sku_is_smoothed_from_its_first_sale():
    # 300 days of nothing, then 3 a day for 20 days: the forecast is about 3, not diluted
    fit = engine.fit_sku([0] * 300 + [3] * 20, date(2025, 1, 1).toordinal(), 7, 7)
    assert fit.demand_class == "smooth" and fit.method == "ses"
    assert fit.forecast == pytest.approx([3.0] * 7)


# ----------------------------------------------------------------- weekday index


def test_a_clean_weekly_pattern_keeps_its_full_shape():
    # Mon–Fri 1, Sat 2, Sun 3: mean 10/7, so the index is 0.7 ×5, 1.4, 2.1
    index = methods.weekday_index([1, 1, 1, 1, 1, 2, 3] * 4, first_weekday=0)
    assert index == pytest.approx([0.7, 0.7, 0.7, 0.7, 0.7, 1.4, 2.1])


def test_the_index_is_by_weekday_whatever_day_the_series_starts_on():
    # The same pattern starting on a Saturday (weekday 5)
    index = methods.weekday_index([2, 3, 1, 1, 1, 1, 1] * 8, first_weekday=5)
    assert index == pytest.approx([0.7, 0.7, 0.7, 0.7, 0.7, 1.4, 2.1])


def test_fewer_than_four_weeks_or_no_pattern_gives_ones():
    assert methods.weekday_index([1, 1, 1, 1, 1, 2, 3] * 3, 0) == [1.0] * 7
    assert methods.weekday_index([2] * 70, 0) == [1.0] * 7


def test_noise_is_shrunk_toward_one():
    # A Saturday peak that comes and goes: the raw index is shrunk toward 1, not kept.
    series = ([1, 1, 1, 1, 1, 4, 1] + [1, 1, 1, 1, 1, 0, 1]) * 4
    raw_saturday = (2 / 1) / (16 / 14)           # Saturday mean 2 over an overall mean of 8/7
    index = methods.weekday_index(series, 0)
    assert 1.0 < index[5] < raw_saturday
    assert sum(index) == pytest.approx(7.0)


def test_a_weekday_that_never_sells_gets_a_small_factor_not_zero():
    index = methods.weekday_index([0, 0, 0, 0, 0, 10, 20] * 10, 0)
    assert min(index) > 0 and sum(index) == pytest.approx(7.0)


# ----------------------------------------------------------------- baselines and errors


def test_seasonal_naive_repeats_last_week():
    assert methods.seasonal_naive(list(range(1, 11)), 9) == [4, 5, 6, 7, 8, 9, 10, 4, 5]
    assert methods.seasonal_naive([1, 2], 7) == [0, 0, 0, 0, 0, 1, 2]


def test_moving_average_is_flat():
    assert methods.moving_average([0] * 10 + [1, 3] * 14, 3) == [2.0, 2.0, 2.0]


def test_rmsse_and_mase_by_hand():
    # history 1, 3, 2: one-day changes 2 and −1 (mean square 2.5, mean absolute 1.5);
    # errors 1 and −1: mean square 1, mean absolute 1
    assert methods.rmsse([2, 2], [1, 3], [1, 3, 2]) == pytest.approx(sqrt(1 / 2.5))
    assert methods.mase([2, 2], [1, 3], [1, 3, 2]) == pytest.approx(1 / 1.5)
    assert methods.rmsse([1], [1], [2, 2, 2]) is None    # a flat history has no scale


# ----------------------------------------------------------------- the calendar


@pytest.mark.parametrize("year, day", [(2020, date(2020, 1, 25)), (2026, date(2026, 2, 17)),
                                       (2027, date(2027, 2, 6)), (2035, date(2035, 2, 8))])
def test_chinese_new_year_dates(year, day):
    assert calendar.EVENTS["cny"].on(year) == day


def test_fixed_and_computed_event_dates():
    assert calendar.EVENTS["double11"].on(2026) == date(2026, 11, 11)
    assert calendar.EVENTS["618"].on(2026) == date(2026, 6, 18)
    assert calendar.black_friday(2026) == date(2026, 11, 27)
    assert calendar.black_friday(2025) == date(2025, 11, 28)


def test_event_names_in_the_words_people_use():
    assert calendar.event("双十一").name == "double11"
    assert calendar.event("Chinese New Year").name == "cny"
    with pytest.raises(InvalidInput, match="unknown event 'easter'"):
        calendar.event("easter")


def test_the_last_complete_occurrence():
    cny = calendar.EVENTS["cny"]
    # On 2026-03-01 the 2026 window (to 03-03) is still open: last year's is the last complete.
    assert calendar.latest_complete(cny, date(2026, 3, 1)) == date(2025, 1, 29)
    assert calendar.latest_complete(cny, date(2026, 3, 3)) == date(2026, 2, 17)


# ----------------------------------------------------------------- the reorder policy


def test_reorder_point_and_safety_stock_by_hand():
    # 14 units expected over a 14-day lead time, lead-time demand variance 20, 1 a day,
    # lead time ± 2 days, z = 1.6449 (95%): safety stock = 1.6449 × √(20 + 1² × 2²) = 8.058;
    # s = 22.058 → 23. EOQ = √(2 × 365 × 50 / (0.25 × 100)) = √1460 = 38.21 > 28 days of
    # cover, so S = 22.058 + 38.21 = 60.27 → 61.
    z = methods.normal_quantile(0.95)
    assert z == pytest.approx(1.6449, abs=1e-4)
    order = eoq(1.0, 100.0, 50.0, 0.25)
    assert order == pytest.approx(sqrt(1460))
    policy = reorder_policy(14.0, 20.0, 1.0, 2.0, z, 28.0, order)
    assert policy.safety_stock == pytest.approx(z * sqrt(24))
    assert (policy.reorder_point, policy.order_up_to) == (23, 61)


def test_cover_days_win_when_the_eoq_is_smaller_or_unknown():
    policy = reorder_policy(14.0, 0.0, 1.0, 0.0, 1.645, 28.0, None)
    assert (policy.reorder_point, policy.order_up_to) == (14, 42)


@pytest.mark.parametrize("position, pack, expected", [(5, 1, 56), (5, 12, 60), (23, 12, 48), (24, 12, 0),
                                                      (-10, 6, 72)])
def test_suggested_quantity_tops_up_to_s_in_whole_packs(position, pack, expected):
    policy = Policy(14.0, 8.06, 23, 61, 38.2)
    assert suggested_qty(policy, position, pack) == expected


def test_packs():
    assert [packs(n, 6) for n in (0, 1, 6, 7, -3)] == [0, 6, 6, 12, 0]


# ----------------------------------------------------------------- invariants


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(series=st.lists(st.integers(0, 50), min_size=1, max_size=120),
       method=st.sampled_from(engine.METHODS), lead=st.integers(1, 30), days=st.integers(1, 40),
       uplift=st.dictionaries(st.integers(0, 200), st.floats(0.05, 4.0), max_size=10))
def test_forecasts_are_never_negative(series, method, lead, days, uplift):
    first = date(2025, 1, 1).toordinal()
    shifted = {first + k: v for k, v in uplift.items()}
    fit = engine.fit_sku(series, first, days, lead, method, shifted)
    assert len(fit.forecast) == days
    assert all(value >= 0 for value in fit.forecast)
    assert fit.lead_variance >= 0


@settings(max_examples=200, deadline=None)
@given(lead_demand=st.floats(0, 1e4), variance=st.floats(0, 1e6), daily=st.floats(0, 500),
       lead_sd=st.floats(0, 30), cover=st.floats(0, 90), order=st.one_of(st.none(), st.floats(0, 1e4)),
       position=st.integers(-1000, 100_000), pack=st.integers(1, 48))
def test_suggested_quantity_is_whole_packs_and_never_negative(lead_demand, variance, daily, lead_sd, cover,
                                                              order, position, pack):
    policy = reorder_policy(lead_demand, variance, daily, lead_sd, 1.645, cover, order)
    qty = suggested_qty(policy, position, pack)
    assert qty >= 0 and qty % pack == 0
    assert policy.order_up_to >= policy.reorder_point >= 0
    if qty:
        assert position <= policy.reorder_point and position + qty >= policy.order_up_to
