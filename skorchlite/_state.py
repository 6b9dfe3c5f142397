"""What solvers take and give: numpy-only records shared by the solvers."""

from dataclasses import dataclass, field

import numpy as np


@dataclass(frozen=True)
class SolverOptions:
    """The estimator's training parameters, as every solver reads them.

    Built by the estimator from its validated parameters at each fit; the
    names and meanings are scikit-learn's MLP parameters, except
    ``batch_size`` (already resolved from ``"auto"`` and clipped to the
    number of rows) and ``score`` (the validation score, ``"r2"`` or
    ``"accuracy"``).
    """

    solver: str
    alpha: float
    batch_size: int
    learning_rate: str
    learning_rate_init: float
    power_t: float
    max_iter: int
    shuffle: bool
    tol: float
    verbose: int
    momentum: float
    nesterovs_momentum: bool
    beta_1: float
    beta_2: float
    epsilon: float
    n_iter_no_change: float
    max_fun: int
    score: str


@dataclass
class TrainingState:
    """Per-restart bookkeeping carried across ``warm_start`` fits and
    ``partial_fit`` calls (numpy only, so it pickles anywhere)."""

    n_restarts: int
    early_stopping: bool
    learning_rate: np.ndarray = None
    loss_curves: list = None
    validation_scores: list = None
    best_loss: np.ndarray = None
    best_validation_score: np.ndarray = None
    no_improvement: np.ndarray = None
    t: int = 0
    optimizer: dict = None

    def __post_init__(self):
        """Fill the fields not given with the state before any training."""
        R = self.n_restarts
        if self.loss_curves is None:
            self.loss_curves = [[] for _ in range(R)]
        if self.validation_scores is None and self.early_stopping:
            self.validation_scores = [[] for _ in range(R)]
        if self.best_loss is None:
            self.best_loss = np.full(R, np.inf)
        if self.best_validation_score is None:
            self.best_validation_score = np.full(R, -np.inf)
        if self.no_improvement is None:
            self.no_improvement = np.zeros(R, dtype=int)

    def to_dict(self):
        """The state as plain containers (for pickles and skops files)."""
        return {name: getattr(self, name) for name in self.__dataclass_fields__}


@dataclass
class FitResult:
    """What a solver returns: numpy parameters and per-restart outcomes."""

    coefs: list  # (R, fan_in, fan_out) arrays
    intercepts: list  # (R, fan_out) arrays
    losses: np.ndarray  # (R,) final training loss, scikit-learn's ``loss_``
    n_iter: np.ndarray  # (R,) iterations run in this call
    converged: np.ndarray  # (R,) bool: stopped by a tolerance, not by max_iter
    messages: list = field(default_factory=list)  # (R,) why each stopped
    diverged: np.ndarray = None  # (R,) bool: loss or weights became nan/inf
    interrupted: str = None  # how Ctrl-C stopped the training, if it did
    initial_losses: np.ndarray = None  # (R,) objective at the starting weights

    @classmethod
    def empty(cls, n_restarts):
        """A result before any iteration: no parameters, nan losses."""
        R = n_restarts
        return cls(None, None, np.full(R, np.nan), np.zeros(R, dtype=int),
                   np.zeros(R, dtype=bool), [""] * R, np.zeros(R, dtype=bool))


@dataclass
class Data:
    """Training (and validation) arrays, numpy, as the estimator prepared them."""

    X: np.ndarray
    Y: np.ndarray
    sample_weight: np.ndarray = None
    X_val: np.ndarray = None
    Y_val: np.ndarray = None
    sample_weight_val: np.ndarray = None
