"""SigmoidMLPRegressor: scikit-learn's MLPRegressor on torch, with restarts."""

import numpy as np
from sklearn.base import RegressorMixin
from sklearn.utils.metaestimators import available_if
from sklearn.utils.validation import column_or_1d, validate_data

from ._base import BaseSigmoidMLP, restore_on_error
from ._docstrings import Substitution, _shared_docs
from ._params import Options


@Substitution(**_shared_docs)
class SigmoidMLPRegressor(RegressorMixin, BaseSigmoidMLP):
    """Multilayer perceptron regressor on PyTorch, with restarts.

    A drop-in replacement for ``sklearn.neural_network.MLPRegressor`` with
    ``activation="logistic"`` as default: the same parameters, fitted
    attributes and loss (half squared error, or half Poisson deviance, plus
    the same L2 penalty), trained with torch on the CPU or a GPU. On top:
    ``n_restarts`` independently initialised networks trained together, the
    best one kept, and ``device`` selection.

    Parameters
    ----------
    %(mlp_parameters)s

    loss : {'squared_error', 'poisson'}, default='squared_error'
        Training loss: half the mean squared error (averaged over outputs),
        or half the Poisson deviance with an exponential output (targets
        must be non-negative).

    Attributes
    ----------
    %(mlp_attributes)s

    See Also
    --------
    SigmoidMLPClassifier : The classifier with the same network.
    sklearn.neural_network.MLPRegressor : scikit-learn's numpy version.

    Notes
    -----
    All restarts of one fit live in one batched network (weights of shape
    ``(n_restarts, fan_in, fan_out)``); 'adam' and 'sgd' train them in the
    same tensor operations, 'lbfgs' runs scipy once per restart. For
    several outputs the gradient is that of the reported loss (the mean
    over outputs); scikit-learn's gradient is that of the sum.

    Examples
    --------
    >>> import numpy as np
    >>> from skorchlite import SigmoidMLPRegressor
    >>> X = np.linspace(0, 2 * np.pi, 200).reshape(-1, 1)
    >>> y = np.sin(X).ravel()
    >>> reg = SigmoidMLPRegressor((8,), solver="lbfgs", max_iter=500,
    ...                           n_restarts=3, random_state=0).fit(X, y)
    >>> reg.restart_losses_.shape
    (3,)
    >>> bool(reg.score(X, y) > 0.95)
    True
    """

    _parameter_constraints: dict = {
        **BaseSigmoidMLP._parameter_constraints,
        "loss": [Options("squared_error", "poisson")],
    }

    def __init__(
        self,
        hidden_layer_sizes=(100,),
        *,
        activation="logistic",
        solver="adam",
        alpha=1e-4,
        batch_size="auto",
        learning_rate="constant",
        learning_rate_init=1e-3,
        power_t=0.5,
        max_iter=200,
        shuffle=True,
        random_state=None,
        tol=1e-4,
        verbose=False,
        warm_start=False,
        momentum=0.9,
        nesterovs_momentum=True,
        early_stopping=False,
        validation_fraction=0.1,
        beta_1=0.9,
        beta_2=0.999,
        epsilon=1e-8,
        n_iter_no_change=10,
        max_fun=15000,
        n_restarts=1,
        device="auto",
        loss="squared_error",
    ):
        super().__init__(
            hidden_layer_sizes,
            activation=activation,
            solver=solver,
            alpha=alpha,
            batch_size=batch_size,
            learning_rate=learning_rate,
            learning_rate_init=learning_rate_init,
            power_t=power_t,
            max_iter=max_iter,
            shuffle=shuffle,
            random_state=random_state,
            tol=tol,
            verbose=verbose,
            warm_start=warm_start,
            momentum=momentum,
            nesterovs_momentum=nesterovs_momentum,
            early_stopping=early_stopping,
            validation_fraction=validation_fraction,
            beta_1=beta_1,
            beta_2=beta_2,
            epsilon=epsilon,
            n_iter_no_change=n_iter_no_change,
            max_fun=max_fun,
            n_restarts=n_restarts,
            device=device,
        )
        self.loss = loss

    def _validate_input(self, X, y, incremental, reset):
        X, y = validate_data(self, X, y, accept_sparse=["csr", "csc"],
                             multi_output=True, y_numeric=True,
                             dtype=(np.float64, np.float32), reset=reset)
        if y.ndim == 2 and y.shape[1] == 1:
            y = column_or_1d(y, warn=True)
        if self.loss == "poisson" and (y < 0).any():
            raise ValueError("loss='poisson' requires non-negative targets y; "
                             f"got a minimum of {y.min()}.")
        Y = y.reshape(len(y), -1).astype(X.dtype, copy=False)
        return X, Y

    def _output_setup(self, Y):
        if self.loss == "poisson":
            return "exp", "poisson", "r2"
        return "identity", "squared_error", "r2"

    def predict(self, X):
        """Predict using the fitted network.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The input data.

        Returns
        -------
        y : ndarray of shape (n_samples,) or (n_samples, n_outputs)
            The predicted values.

        Examples
        --------
        >>> import numpy as np
        >>> from skorchlite import SigmoidMLPRegressor
        >>> X = np.arange(10.0).reshape(-1, 1)
        >>> reg = SigmoidMLPRegressor((4,), max_iter=5, random_state=0)
        >>> reg.fit(X, X.ravel()).predict(X[:3]).shape
        (3,)
        """
        y_pred = self._evaluate(X)
        return y_pred.ravel() if y_pred.shape[1] == 1 else y_pred

    def predict_step(self, X):
        """Predict with every hidden unit replaced by its step limit.

        Each logistic unit becomes 1 where its pre-activation is > 0 and 0
        elsewhere (each tanh unit +1 / -1), layer after layer; the output
        layer is unchanged. For one hidden layer of k units on a 1-D input
        the result is piecewise constant with at most k + 1 pieces, jumping
        at the thresholds ``-intercepts_[0] / coefs_[0]``.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The input data.

        Returns
        -------
        y : ndarray of shape (n_samples,) or (n_samples, n_outputs)
            The predictions of the step-function network.

        Raises
        ------
        ValueError
            If ``activation`` is 'relu' or 'identity', which have no step
            limit.

        Examples
        --------
        >>> import numpy as np
        >>> from skorchlite import SigmoidMLPRegressor
        >>> X = np.linspace(0, 2 * np.pi, 100).reshape(-1, 1)
        >>> reg = SigmoidMLPRegressor((3,), solver="lbfgs", random_state=0)
        >>> reg = reg.fit(X, np.sin(X).ravel())
        >>> len(np.unique(reg.predict_step(X))) <= 4
        True
        """
        y_pred = self._evaluate(X, step=True)
        return y_pred.ravel() if y_pred.shape[1] == 1 else y_pred

    @available_if(lambda est: est._check_solver())
    @restore_on_error
    def partial_fit(self, X, y, sample_weight=None):
        """Update the model with one epoch over the given data.

        Only available for the stochastic solvers ('adam', 'sgd'). The first
        call initialises the networks; later calls continue them (with the
        optimizer state of the previous call).

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The input data.
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            The target values.
        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative sample weights.

        Returns
        -------
        self : object
            The updated estimator.

        Examples
        --------
        >>> import numpy as np
        >>> from skorchlite import SigmoidMLPRegressor
        >>> X = np.arange(20.0).reshape(-1, 1) / 20
        >>> reg = SigmoidMLPRegressor((4,), random_state=0)
        >>> for _ in range(3):
        ...     reg = reg.partial_fit(X, X.ravel())
        >>> reg.t_
        60
        """
        return self._fit(X, y, sample_weight, incremental=True)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True
        return tags
