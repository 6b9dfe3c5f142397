"""One source for the documentation several estimators share.

The parameters and fitted attributes that :class:`SigmoidMLPRegressor` and
:class:`SigmoidMLPClassifier` have in common (and that the classes built on
them can reuse) are written once here and filled into class docstrings by
:class:`Substitution`, as imbalanced-learn does: the docstring holds
``%(name)s`` where the shared text goes.

Keys of :data:`_shared_docs`:

- ``mlp_parameters`` / ``mlp_attributes``: the whole shared Parameters /
  Attributes entries of the two MLP estimators;
- ``param_<name>`` / ``attr_<name>``: one entry, e.g. ``param_alpha`` or
  ``attr_n_features_in_``, for a class that shares only some of them.

Each value starts at its first entry's name (the placeholder line gives the
indent) and has no trailing newline.
"""

import re


class Substitution:
    """Fill the ``%(name)s`` placeholders of the decorated object's docstring.

    Parameters
    ----------
    **params : str
        The text for each placeholder name.

    Examples
    --------
    >>> from skorchlite._docstrings import Substitution
    >>> @Substitution(what="a float")
    ... def f(x):
    ...     'x is %(what)s.'
    >>> f.__doc__
    'x is a float.'
    """

    def __init__(self, **params):
        self.params = params

    def __call__(self, obj):
        if obj.__doc__:
            obj.__doc__ = obj.__doc__ % self.params
        return obj


def _entries(block):
    """A numpydoc section body (entries at 4 spaces) as {name: entry text}."""
    starts = [m.start() for m in re.finditer(r"^    \w+ :", block, re.M)]
    entries = {}
    for start, stop in zip(starts, starts[1:] + [len(block)]):
        entry = block[start:stop].rstrip()
        entries[entry.split(" :")[0].strip()] = entry[4:]
    return entries


_MLP_PARAMETERS = """
    hidden_layer_sizes : int or sequence of int, default=(100,)
        The ith element is the number of units in the ith hidden layer.
        ``()`` means no hidden layer: a linear (regressor) or logistic
        (classifier) model of the inputs, trained by ``solver``, as in
        scikit-learn; ``transform`` then raises a ``ValueError``,
        ``hidden_activations`` returns an empty list and ``predict_step``
        equals ``predict``.

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
"""

_MLP_ATTRIBUTES = """
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
"""

_shared_docs = {
    "mlp_parameters": _MLP_PARAMETERS.strip("\n")[4:],
    "mlp_attributes": _MLP_ATTRIBUTES.strip("\n")[4:],
}
_shared_docs.update({f"param_{name}": text for name, text in _entries(_MLP_PARAMETERS).items()})
_shared_docs.update({f"attr_{name}": text for name, text in _entries(_MLP_ATTRIBUTES).items()})
