"""The one parameter layout of the daily Hawkes model.

Everything that reads or writes the daily model's parameters goes through
:class:`DailySpec` (the packed vector's layout, with one :meth:`DailySpec.pack` /
:meth:`DailySpec.unpack` pair) and :class:`DailyParams` (the typed, unpacked
form): the likelihood, the estimator, its serialisation, the bootstrap, the
parameter draws and the scenario runner.

Packed vector (the optimiser's scale)::

    [ c (D) | alpha (D*D, row i = target) | log_decay (D) | beta (D*P, row i = target)
      | log_dispersion (D, negbin only) ]

``c`` is ``log(base)`` under the identity link and the intercept of the linear
predictor under the softplus link.

Natural vector (what tables and bootstrap replicates report): the same order with
``base`` (events per day), ``alpha``, ``decay`` (per day), ``beta`` and
``dispersion`` in place of their transforms.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["DailyParams", "DailySpec", "softplus", "softplus_inv"]


def softplus(x: np.ndarray) -> np.ndarray:
    """``log(1 + exp(x))`` without overflow."""
    return np.logaddexp(0.0, x)


def softplus_inv(z: np.ndarray) -> np.ndarray:
    """Inverse of :func:`softplus` for ``z > 0`` (``z`` is floored at 1e-300)."""
    z = np.maximum(np.asarray(z, dtype=float), 1e-300)
    return z + np.log(-np.expm1(-z))


@dataclass(frozen=True)
class DailyParams:
    """Parameters of a daily Hawkes model, unpacked.

    Attributes
    ----------
    link : {"identity", "softplus"}
    intercept : ndarray of shape (n_streams,)
        ``c``: log baseline rate (identity) or intercept of the linear predictor
        (softplus).
    adjacency : ndarray of shape (n_streams, n_streams)
        ``[i, j]`` = effect of source ``j`` on target ``i``.
    log_decay : ndarray of shape (n_streams,)
        Log of the kernel decay per source stream (decay per day).
    coef : ndarray of shape (n_streams, n_covariates)
    log_dispersion : ndarray of shape (n_streams,) or None
        Negative binomial only.
    """

    link: str
    intercept: np.ndarray
    adjacency: np.ndarray
    log_decay: np.ndarray
    coef: np.ndarray
    log_dispersion: np.ndarray | None = None

    @property
    def decay(self) -> np.ndarray:
        """Kernel decay per source stream, per day."""
        return np.exp(self.log_decay)

    @property
    def half_life(self) -> np.ndarray:
        """``log(2) / decay``, days."""
        return np.log(2.0) / self.decay

    @property
    def dispersion(self) -> np.ndarray | None:
        return None if self.log_dispersion is None else np.exp(self.log_dispersion)

    @property
    def baseline(self) -> np.ndarray:
        """Rate without excitation at covariates 0, events per day."""
        return np.exp(self.intercept) if self.link == "identity" else softplus(self.intercept)

    @property
    def branching_ratio(self) -> float:
        """Spectral radius of the excitatory part of ``adjacency``.

        Under the identity link this is the branching ratio (>= 1: explosive).
        Under softplus it is only a rough guide: negative predictors and
        inhibiting couplings can hold rates small whatever it is, so whether
        paths run away is read from simulations (``DailySimulation.explosive``).
        """
        pos = np.maximum(self.adjacency, 0.0)
        return float(np.max(np.abs(np.linalg.eigvals(pos)))) if pos.size else 0.0

    def predictor(self, x: np.ndarray) -> np.ndarray:
        """Baseline of each day on the linear-predictor scale, shape (n_days, n_streams).

        Identity link: the baseline rate ``base * exp(beta . x)`` (events per day);
        softplus: ``c + beta . x`` (the rate without excitation is its softplus).
        """
        eta = self.intercept[None, :] + np.asarray(x, float) @ self.coef.T
        return np.exp(eta) if self.link == "identity" else eta


@dataclass(frozen=True)
class DailySpec:
    """Shape and options of a daily Hawkes parameter vector (see the module docstring)."""

    n_streams: int
    n_cov: int
    link: str = "identity"
    family: str = "poisson"

    @property
    def n_params(self) -> int:
        d, p = self.n_streams, self.n_cov
        return d + d * d + d + d * p + (d if self.family == "negbin" else 0)

    def blocks(self) -> dict[str, slice]:
        """Slice of each block in the packed (and natural) vector."""
        d, p = self.n_streams, self.n_cov
        o = [0, d, d + d * d, 2 * d + d * d, 2 * d + d * d + d * p]
        out = {"baseline": slice(o[0], o[1]), "adjacency": slice(o[1], o[2]),
               "decay": slice(o[2], o[3]), "coef": slice(o[3], o[4])}
        if self.family == "negbin":
            out["dispersion"] = slice(o[4], o[4] + d)
        return out

    def unpack(self, theta: np.ndarray) -> DailyParams:
        """The typed form of a packed vector (views, not copies)."""
        d, p = self.n_streams, self.n_cov
        b = self.blocks()
        theta = np.asarray(theta, dtype=float)
        return DailyParams(
            self.link, theta[b["baseline"]], theta[b["adjacency"]].reshape(d, d),
            theta[b["decay"]], theta[b["coef"]].reshape(d, p),
            theta[b["dispersion"]] if "dispersion" in b else None)

    def pack(self, params: DailyParams) -> np.ndarray:
        """Inverse of :meth:`unpack`."""
        parts = [params.intercept, np.ravel(params.adjacency), params.log_decay,
                 np.ravel(params.coef)]
        if self.family == "negbin":
            if params.log_dispersion is None:
                raise ValueError("a negbin layout needs log_dispersion")
            parts.append(params.log_dispersion)
        return np.concatenate([np.asarray(x, float) for x in parts])

    def names(self, streams: list[str], covs: list[str]) -> list[tuple[str, str, str]]:
        """``(parameter, source, target)`` of each entry of the vector."""
        out = [("baseline", "", s) for s in streams]
        out += [("adjacency", src, tgt) for tgt in streams for src in streams]
        out += [("decay", s, "") for s in streams]
        out += [("coef", cov, tgt) for tgt in streams for cov in covs]
        if self.family == "negbin":
            out += [("dispersion", "", s) for s in streams]
        return out

    def positive(self) -> np.ndarray:
        """Mask of the entries reported on a positive scale (rates, decays, dispersions)."""
        mask = np.zeros(self.n_params, dtype=bool)
        b = self.blocks()
        for k in ("baseline", "decay", "dispersion"):
            if k in b:
                mask[b[k]] = True
        return mask

    def to_natural(self, theta: np.ndarray) -> np.ndarray:
        """Reported parameters (rates, decays, dispersions) from a packed vector."""
        theta = np.asarray(theta, dtype=float)
        out = theta.copy()
        b = self.blocks()
        c = theta[b["baseline"]]
        out[b["baseline"]] = np.exp(c) if self.link == "identity" else softplus(c)
        out[b["decay"]] = np.exp(theta[b["decay"]])
        if "dispersion" in b:
            out[b["dispersion"]] = np.exp(theta[b["dispersion"]])
        return out

    def from_natural(self, row: np.ndarray) -> np.ndarray:
        """Inverse of :meth:`to_natural` (rates are floored at 1e-300)."""
        row = np.asarray(row, dtype=float)
        out = row.copy()
        b = self.blocks()
        base = row[b["baseline"]]
        out[b["baseline"]] = (np.log(np.maximum(base, 1e-300)) if self.link == "identity"
                              else softplus_inv(base))
        out[b["decay"]] = np.log(row[b["decay"]])
        if "dispersion" in b:
            out[b["dispersion"]] = np.log(row[b["dispersion"]])
        return out

    def natural_jacobian(self, theta: np.ndarray) -> np.ndarray:
        """Diagonal of ``d natural / d packed`` (the transforms are element-wise)."""
        theta = np.asarray(theta, dtype=float)
        jac = np.ones_like(theta)
        b = self.blocks()
        c = theta[b["baseline"]]
        jac[b["baseline"]] = np.exp(c) if self.link == "identity" else 1.0 / (1.0 + np.exp(-c))
        jac[b["decay"]] = np.exp(theta[b["decay"]])
        if "dispersion" in b:
            jac[b["dispersion"]] = np.exp(theta[b["dispersion"]])
        return jac
