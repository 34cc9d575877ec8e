"""The small logistic model behind the calibrated decisions, and its threshold rule."""

from __future__ import annotations

import numpy as np

from bot.answering.calibration import Calibration
from bot.answering.fit import _threshold_for, largest_of_the_best
from bot.answering.logistic import LogisticModel, fit_ranking


def test_fit_separates_what_a_feature_separates() -> None:
    rng = np.random.default_rng(7)
    signal = rng.normal(size=400)
    noise = rng.normal(size=400)
    y = (signal + 0.3 * rng.normal(size=400) > 0).astype(float)
    model = LogisticModel.fit(("signal", "noise"), np.column_stack([signal, noise]), y)

    weights = dict(zip(model.features, model.weights, strict=True))
    assert weights["signal"] > 2 and abs(weights["noise"]) < 0.5
    assert model.probability({"signal": 2.0, "noise": 0.0}) > 0.9
    assert model.probability({"signal": -2.0, "noise": 0.0}) < 0.1


def test_a_weight_against_its_stated_direction_is_held_at_zero() -> None:
    rng = np.random.default_rng(11)
    signal = rng.normal(size=400)
    y = (signal + 0.3 * rng.normal(size=400) > 0).astype(float)
    x = np.column_stack([signal, -signal + 0.1 * rng.normal(size=400)])
    free = LogisticModel.fit(("signal", "mirror"), x, y)
    bound = LogisticModel.fit(("signal", "mirror"), x, y, signs={"mirror": 1})

    assert dict(zip(free.features, free.weights, strict=True))["mirror"] < 0
    weights = dict(zip(bound.features, bound.weights, strict=True))
    assert weights["mirror"] == 0.0 and weights["signal"] > 2
    assert bound.probability({"signal": 2.0, "mirror": -2.0}) > 0.9


def test_a_model_survives_its_json_form() -> None:
    x = np.array([[0.0], [1.0], [2.0], [3.0]])
    model = LogisticModel.fit(("x",), x, np.array([0.0, 0.0, 1.0, 1.0]))

    assert LogisticModel.from_dict(model.to_dict()) == model


def test_the_threshold_refuses_as_much_as_the_over_refusal_budget_allows() -> None:
    probabilities = np.array([0.1, 0.2, 0.3, 0.4, 0.6, 0.7, 0.8, 0.9, 0.95, 0.99])
    answerable = np.array([0, 0, 1, 0, 1, 1, 1, 1, 1, 1], dtype=float)

    threshold = _threshold_for(probabilities, answerable, max_over_refusal=0.15)

    # One answerable question of seven (14 %) may be refused: the one at 0.3.
    assert 0.4 < threshold <= 0.6


def test_a_runner_up_joins_at_the_largest_ratio_that_quotes_as_many_facts() -> None:
    quoted = {1.0: 95, 0.8: 99, 0.5: 105, 0.2: 105, 0.0: 104}
    assert largest_of_the_best(quoted) == 0.5


def test_the_runner_up_ratio_survives_the_calibration_file() -> None:
    calibration = Calibration(second_ratio=0.3)
    assert Calibration.from_dict(calibration.to_dict()).second_ratio == 0.3
    assert Calibration.from_dict({}).second_ratio == Calibration().second_ratio


def test_ranking_learns_what_tells_the_right_row_from_the_others_of_its_group() -> None:
    # Each group is a question's passages. ``level`` differs between groups only (some
    # questions score higher than others everywhere); ``signal`` marks the right row.
    rng = np.random.default_rng(3)
    groups = []
    for _ in range(60):
        level = np.full(30, rng.normal(scale=3.0))
        signal = rng.normal(size=30)
        right = np.zeros(30, dtype=bool)
        right[int(np.argmax(signal + 0.1 * rng.normal(size=30)))] = True
        groups.append((np.column_stack([signal, level + 0.01 * rng.normal(size=30)]), right))

    weights = fit_ranking(groups)

    assert weights[0] > 1 and abs(weights[1]) < 0.5 * weights[0]
    first = [np.argmax(x @ weights) == np.flatnonzero(y)[0] for x, y in groups]
    assert np.mean(first) > 0.8
