"""A small logistic model: the calibrated decisions of retrieval, quoting and refusing.

Fitted with Newton's method on standardised features and a light L2 penalty, so a
few hundred labelled examples (the question bank's tuning half) are enough.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np


@dataclass(frozen=True)
class LogisticModel:
    """``P(y=1 | x) = σ(w · (x − mean) / scale + b)`` over named features."""

    features: tuple[str, ...]
    mean: tuple[float, ...]
    scale: tuple[float, ...]
    weights: tuple[float, ...]
    bias: float

    @classmethod
    def fit(
        cls,
        features: tuple[str, ...],
        x: np.ndarray,
        y: np.ndarray,
        l2: float = 1.0,
        signs: dict[str, int] | None = None,
    ) -> LogisticModel:
        """Maximum a posteriori fit; ``x`` has one row per example, ``y`` holds 0/1 labels.

        ``signs`` gives the direction a feature may only push in (+1 or −1): a weight
        the data would turn the other way is held at zero and the rest refitted, so a
        few examples cannot make, say, a stronger match count against answering.
        """
        mean = x.mean(axis=0)
        scale = x.std(axis=0)
        scale[scale == 0] = 1.0
        z = np.hstack([(x - mean) / scale, np.ones((len(x), 1))])
        wanted = np.array([(signs or {}).get(name, 0) for name in features] + [0])
        free = np.ones(z.shape[1], dtype=bool)
        while True:
            theta = np.zeros(z.shape[1])
            theta[free] = _newton(z[:, free], y, l2)
            wrong = free & (wanted * theta < 0)
            if not wrong.any():
                break
            free &= ~wrong
        return cls(
            features,
            tuple(float(v) for v in mean),
            tuple(float(v) for v in scale),
            tuple(float(v) for v in theta[:-1]),
            float(theta[-1]),
        )

    def probability(self, values: dict[str, float]) -> float:
        """``P(y=1)`` for one example given as ``{feature name: value}``."""
        x = np.array([values[name] for name in self.features])
        return float(self.probabilities(x[None, :])[0])

    def probabilities(self, x: np.ndarray) -> np.ndarray:
        z = (x - np.array(self.mean)) / np.array(self.scale)
        return _sigmoid(z @ np.array(self.weights) + self.bias)

    def to_dict(self) -> dict[str, Any]:
        return {
            "features": list(self.features),
            "mean": list(self.mean),
            "scale": list(self.scale),
            "weights": list(self.weights),
            "bias": self.bias,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> LogisticModel:
        return cls(
            tuple(data["features"]),
            tuple(data["mean"]),
            tuple(data["scale"]),
            tuple(data["weights"]),
            float(data["bias"]),
        )


def fit_ranking(groups: Sequence[tuple[np.ndarray, np.ndarray]], l2: float = 1.0) -> np.ndarray:
    """Weights that rank each group's labelled rows first (a conditional logit).

    Each group is one question: ``(x, y)`` with a row per passage and ``y`` marking
    the passages that hold its answer. The model is a softmax over the group's rows,
    so it learns what tells the right passage from the others *for the same
    question*, not what makes some questions score higher than others (which a
    logistic model over every passage of every question mixes in). Fitted by Newton's
    method, halving a step that would not lower the penalised loss.
    """
    size = groups[0][0].shape[1]

    def loss(w: np.ndarray) -> tuple[float, np.ndarray, np.ndarray]:
        value, gradient, hessian = 0.5 * l2 * w @ w, l2 * w, l2 * np.eye(size)
        for x, y in groups:
            scores = x @ w
            top = scores.max()
            p = np.exp(scores - top)
            total = p.sum()
            p /= total
            target = x[y].mean(axis=0)
            expected = p @ x
            value -= target @ w - (top + np.log(total))
            gradient = gradient + expected - target
            hessian = hessian + (x * p[:, None]).T @ x - np.outer(expected, expected)
        return value, gradient, hessian

    w = np.zeros(size)
    value, gradient, hessian = loss(w)
    for _ in range(100):
        step = np.linalg.solve(hessian, gradient)
        rate = 1.0
        candidate, state = w - step, loss(w - step)
        while state[0] > value and rate > 1e-6:
            rate /= 2
            candidate, state = w - rate * step, loss(w - rate * step)
        improvement = value - state[0]
        w, (value, gradient, hessian) = candidate, state
        if improvement < 1e-9:
            break
    return w


def _newton(z: np.ndarray, y: np.ndarray, l2: float) -> np.ndarray:
    """Weights (the last column of ``z`` is the bias, not shrunk) by Newton's method."""
    theta = np.zeros(z.shape[1])
    penalty = np.full(z.shape[1], l2)
    penalty[-1] = 0.0
    for _ in range(50):
        p = _sigmoid(z @ theta)
        gradient = z.T @ (p - y) + penalty * theta
        hessian = (z * (p * (1 - p))[:, None]).T @ z + np.diag(penalty + 1e-9)
        step = np.linalg.solve(hessian, gradient)
        theta -= step
        if np.abs(step).max() < 1e-8:
            break
    return theta


def _sigmoid(values: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.clip(values, -30, 30)))
