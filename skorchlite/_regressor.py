"""SigmoidMLPRegressor: scikit-learn's MLPRegressor on torch, with restarts."""

import numpy as np
from sklearn.base import RegressorMixin
from sklearn.utils.metaestimators import available_if
from sklearn.utils.validation import column_or_1d, validate_data

from ._base import BaseSigmoidMLP, restore_on_error
from ._params import Options


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
    hidden_layer_sizes : int or sequence of int, default=(100,)
        The ith element is the number of units in the ith hidden layer.

    activation : {'logistic', 'tanh', 'relu', 'identity'}, default='logistic'
        Activation function of the hidden units: the logistic sigmoid
        ``1 / (1 + exp(-z))``, ``tanh(z)``, ``max(0, z)`` or ``z``. Unlike
        scikit-learn (whose default is 'relu'), the default is 'logistic'.

    solver : {'adam', 'sgd', 'lbfgs'}, default='adam'
        The optimizer. 'adam' and 'sgd' train in minibatches with torch;
        'lbfgs' runs ``scipy.optimize.minimize(method="L-BFGS-B")`` on the
        flattened float64 parameters with gradients from torch, and usually
        converges faster and better on small data sets.

    alpha : float, default=1e-4
        Strength of the L2 penalty ``0.5 * alpha * ||W||^2``, divided by the
        (weighted) number of samples in the batch, as in scikit-learn.

    batch_size : int or 'auto', default='auto'
        Minibatch size for 'adam' and 'sgd'; 'auto' means
        ``min(200, n_samples)``. Ignored by 'lbfgs', which uses all rows.

    learning_rate : {'constant', 'invscaling', 'adaptive'}, default='constant'
        Learning-rate schedule of 'sgd': constant ``learning_rate_init``;
        ``learning_rate_init / (t + 1) ** power_t`` after each epoch, with
        ``t`` the number of samples seen; or divided by 5 each time
        ``n_iter_no_change`` epochs fail to improve by ``tol``.

    learning_rate_init : float, default=1e-3
        Initial step size of 'sgd' and 'adam'.

    power_t : float, default=0.5
        Exponent of the 'invscaling' schedule ('sgd' only).

    max_iter : int, default=200
        Maximum number of epochs ('adam', 'sgd') or of L-BFGS iterations.

    shuffle : bool, default=True
        Whether to shuffle the rows before each epoch ('adam', 'sgd').

    random_state : int, RandomState instance or None, default=None
        Seeds the initial weights of every restart, the validation split
        and the shuffling. The same value gives identical results on the
        CPU. Restart 0 starts from the weights scikit-learn's MLP would draw.

    tol : float, default=1e-4
        Tolerance. 'adam'/'sgd' stop (or, with 'adaptive', slow down) when
        the training loss (or validation score) fails to improve by ``tol``
        for ``n_iter_no_change`` consecutive epochs; 'lbfgs' passes it to
        scipy as ``gtol``.

    verbose : bool or int, default=False
        Print one line per iteration.

    warm_start : bool, default=False
        Continue from the weights of the previous fit (all its restarts)
        instead of drawing new ones; the kept restart continues from
        ``coefs_`` and ``intercepts_`` as they are now, as in scikit-learn
        (``partial_fit`` too).

    momentum : float, default=0.9
        Momentum of 'sgd', in [0, 1].

    nesterovs_momentum : bool, default=True
        Use Nesterov's momentum ('sgd' with ``momentum > 0``).

    early_stopping : bool, default=False
        Hold out ``validation_fraction`` of the data and stop each restart
        when its validation score stops improving by ``tol`` for
        ``n_iter_no_change`` epochs; each restart keeps its weights of best
        validation score, and the restart with the best score is kept
        ('adam', 'sgd').

    validation_fraction : float, default=0.1
        Fraction of the training data held out for early stopping.

    beta_1 : float, default=0.9
        Decay rate of Adam's first-moment estimates, in [0, 1).

    beta_2 : float, default=0.999
        Decay rate of Adam's second-moment estimates, in [0, 1).

    epsilon : float, default=1e-8
        Adam's numerical-stability constant.

    n_iter_no_change : int, default=10
        Number of epochs without an improvement of ``tol`` before stopping
        ('adam', 'sgd').

    max_fun : int, default=15000
        Maximum number of loss-function calls of 'lbfgs'.

    n_restarts : int, default=1
        Number of independently initialised networks trained; the one with
        the lowest final training loss (with ``early_stopping``, the best
        validation score) is kept. 'adam' and 'sgd' train all restarts
        together in batched tensor operations, so ten restarts cost less
        than ten fits: under 2x one restart for small networks, about 7x at
        100 units, where arithmetic rather than overhead dominates (see
        the performance page).

    device : str or torch.device, default='auto'
        Where to train: 'auto', 'cpu', 'cuda', 'cuda:N', 'mps', 'mps:0'
        or a ``torch.device``. 'auto' trains 'adam' and 'sgd' on CUDA when
        torch sees it and a step does at least a million multiply-adds
        (minibatch rows x weights x restarts), else on the CPU; 'lbfgs'
        always on the CPU. A device that is not there makes ``fit`` raise a
        ``ValueError``. MPS has no float64: skorchlite computes in float32
        there (with a warning) and keeps scikit-learn's dtype for
        ``coefs_``. Fitted weights are numpy arrays, so a fitted estimator
        predicts anywhere: on the GPU it was fitted on, else the current
        GPU, else the CPU (with a warning). See the "Devices" page.

    loss : {'squared_error', 'poisson'}, default='squared_error'
        Training loss: half the mean squared error (averaged over outputs),
        or half the Poisson deviance with an exponential output (targets
        must be non-negative).

    Attributes
    ----------
    loss_ : float
        The final training loss of the kept restart: the mean (weighted)
        per-sample loss plus the L2 penalty, as scikit-learn defines it.
        For 'adam'/'sgd' the size-weighted mean over the last epoch's
        minibatches; for 'lbfgs' the objective at the solution.

    best_loss_ : float or None
        The lowest loss reached by the kept restart; None with
        ``early_stopping`` (see ``best_validation_score_``).

    loss_curve_ : list of float
        The kept restart's loss after each iteration.

    validation_scores_ : list of float or None
        The kept restart's score on the validation set after each epoch
        (``early_stopping`` only, else None).

    best_validation_score_ : float or None
        The kept restart's best validation score (``early_stopping`` only).

    t_ : int
        The number of training samples seen by the solver ('adam', 'sgd';
        0 for 'lbfgs').

    coefs_ : list of ndarray of shape (n_layers - 1,)
        Weight matrices of the kept restart; ``coefs_[i]`` has shape
        (units of layer i, units of layer i + 1).

    intercepts_ : list of ndarray of shape (n_layers - 1,)
        Bias vectors of the kept restart; ``intercepts_[i]`` has shape
        (units of layer i + 1,).

    n_features_in_ : int
        Number of features seen during fit.

    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of the features seen during fit, when X has string column
        names.

    n_iter_ : int
        The number of iterations the kept restart ran.

    n_layers_ : int
        Number of layers, input and output included.

    n_outputs_ : int
        Number of output units.

    out_activation_ : str
        Name of the output activation.

    restart_losses_ : ndarray of shape (n_restarts,)
        Every restart's own final ``loss_``.

    best_restart_ : int
        Index of the kept restart: the argmin of ``restart_losses_``, or
        with ``early_stopping`` the restart of best validation score.

    restart_loss_curves_ : list of list of float
        Every restart's ``loss_curve_``, in restart order.

    restart_validation_scores_ : list of list of float or None
        Every restart's ``validation_scores_`` (``early_stopping`` only).

    device_ : torch.device
        The device the model was trained on, with its index (``cuda:0``).

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
