import warnings

import numpy as np
import pandas as pd
import pytest

from layers.classify import SCHEMES, ClassificationError, classify

VALUES = pd.Series([1.0, 2, 3, 4, 5, 6, 7, 8, 9, 10, np.nan])


@pytest.mark.parametrize("scheme", [s for s in SCHEMES if s != "manual"])
def test_every_scheme_covers_the_data_and_leaves_missing_unclassed(scheme):
    c = classify(VALUES, scheme, 4)
    assert c.lower == 1 and c.upper_bounds[-1] == 10
    assert list(c.upper_bounds) == sorted(c.upper_bounds)
    classes = c.classes(VALUES)
    assert classes.iloc[:10].notna().all() and pd.isna(classes.iloc[10])
    assert classes.iloc[:10].is_monotonic_increasing


def test_quantiles_split_evenly():
    c = classify(VALUES, "quantiles", 5)
    assert c.upper_bounds == pytest.approx((2.8, 4.6, 6.4, 8.2, 10.0))
    assert c.classes(VALUES).value_counts().sort_index().tolist() == [2, 2, 2, 2, 2]


def test_equal_interval_bounds():
    assert classify(VALUES, "equal_interval", 3).upper_bounds == pytest.approx((4.0, 7.0, 10.0))


def test_fisher_jenks_finds_natural_gaps():
    y = pd.Series([1, 1.1, 1.2, 50, 51, 52, 100, 101])
    c = classify(y, "fisher_jenks", 3)
    assert c.classes(y).tolist() == [0, 0, 0, 1, 1, 1, 2, 2]


def test_manual_breaks():
    c = classify(VALUES, "manual", 5, manual_breaks=(3, 7))
    assert c.upper_bounds == (3.0, 7.0, 10.0)
    assert c.classes(pd.Series([3.0, 3.5, 10.0])).tolist() == [0, 1, 2]
    with pytest.raises(ClassificationError, match="at least one break"):
        classify(VALUES, "manual", 5, ())
    with pytest.raises(ClassificationError, match="repeat"):
        classify(VALUES, "manual", 5, (3, 3))


def test_degenerate_inputs():
    assert classify(pd.Series([5.0, 5.0]), "quantiles", 5).k == 1
    assert classify(pd.Series([1.0, 2.0, 3.0]), "quantiles", 9).k <= 3
    with pytest.raises(ClassificationError, match="no values"):
        classify(pd.Series([np.nan, np.nan]), "quantiles", 5)
    with pytest.raises(ClassificationError, match="unknown classification"):
        classify(VALUES, "rainbow", 5)


def test_manual_breaks_are_limited_to_nine_classes_and_finite():
    with pytest.raises(ClassificationError, match="at most 9 classes"):
        classify(VALUES, "manual", 5, tuple(range(9)))
    assert classify(VALUES, "manual", 5, tuple(range(2, 10))).k == 9
    for bad in ((float("nan"),), (float("inf"), 5.0), (-float("inf"),)):
        with pytest.raises(ClassificationError, match="finite"):
            classify(VALUES, "manual", 5, bad)


def test_breaks_outside_the_data_are_reported():
    c = classify(VALUES, "manual", 5, (-5.0, 4.0, 1e9))
    assert c.upper_bounds == (4.0, 10.0) and c.dropped == (-5.0, 1e9) and c.requested_k == 4


@pytest.mark.parametrize("k", range(2, 10))
def test_std_mean_gives_k_classes_where_the_data_reach(k):
    # Symmetric data reaching ±5 standard deviations: every bound (at most ±3.5 sd) lies inside.
    y = pd.Series(np.concatenate([np.linspace(-1, 1, 2001), [-50.0, 50.0]]))
    c = classify(y, "std_mean", k)
    assert c.k == k == c.requested_k


def test_std_mean_on_skewed_data_records_that_classes_fell_away():
    c = classify(pd.Series([1.0] * 50 + [2.0, 3.0, 100.0]), "std_mean", 9)
    assert c.requested_k == 9 and c.k < 9


@pytest.mark.parametrize("scheme", ["quantiles", "equal_interval", "std_mean"])
def test_the_written_out_schemes_give_mapclassifys_bins(scheme):
    # layers/classify.py writes these three out (mapclassify costs ~2 s to import); they must not drift from it.
    import mapclassify

    from layers import default_registry
    from layers.classify import _BINS, _std_multiples

    reference = {
        "quantiles": lambda y, k: mapclassify.Quantiles(y, k=k).bins,
        "equal_interval": lambda y, k: mapclassify.EqualInterval(y, k=k).bins,
        "std_mean": lambda y, k: mapclassify.StdMean(y, multiples=_std_multiples(k)).bins,
    }[scheme]
    rng = np.random.default_rng(20261203)
    samples = [rng.lognormal(3, 1.2, 183), rng.integers(0, 12, 183).astype(float), rng.normal(0, 1, 21)]
    registry = default_registry()
    for layer_id in ("pop_total", "pop_60plus_share", "elderly_per_township_2021", "townships_reduction_pct"):
        for level in ("prefecture", "county"):
            samples.append(registry.get(layer_id).frame(level)["value"].dropna().to_numpy(float))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for y in samples:
            for k in range(2, 10):
                np.testing.assert_allclose(_BINS[scheme](y, k), reference(y, k), rtol=1e-12, atol=0)
