"""SigmoidMLPClassifier: scikit-learn's MLPClassifier on torch, with restarts."""

import numpy as np
from sklearn.base import ClassifierMixin
from sklearn.preprocessing import LabelBinarizer
from sklearn.utils.metaestimators import available_if
from sklearn.utils.multiclass import check_classification_targets, type_of_target, unique_labels
from sklearn.utils.validation import column_or_1d, validate_data

from ._base import BaseSigmoidMLP, restore_on_error
from ._docstrings import Substitution, _shared_docs
from ._params import user_repr


@Substitution(**_shared_docs)
class SigmoidMLPClassifier(ClassifierMixin, BaseSigmoidMLP):
    """Multilayer perceptron classifier on PyTorch, with restarts.

    A drop-in replacement for ``sklearn.neural_network.MLPClassifier`` with
    ``activation="logistic"`` as default: the same parameters, fitted
    attributes and log-loss (plus the same L2 penalty), trained with torch
    on the CPU or a GPU. Binary targets get one logistic output unit,
    multiclass targets a softmax, multilabel targets independent logistic
    units. On top: ``n_restarts`` independently initialised networks trained
    together, the best one kept, and ``device`` selection.

    Parameters
    ----------
    %(mlp_parameters)s

    Attributes
    ----------
    classes_ : ndarray or list of ndarray of shape (n_classes,)
        Class labels (for multilabel targets, the label indices).

    %(mlp_attributes)s

    See Also
    --------
    SigmoidMLPRegressor : The regressor with the same network.
    sklearn.neural_network.MLPClassifier : scikit-learn's numpy version.

    Notes
    -----
    All restarts of one fit live in one batched network (weights of shape
    ``(n_restarts, fan_in, fan_out)``); 'adam' and 'sgd' train them in the
    same tensor operations, 'lbfgs' runs scipy once per restart.

    Examples
    --------
    >>> from sklearn.datasets import make_moons
    >>> from skorchlite import SigmoidMLPClassifier
    >>> X, y = make_moons(200, noise=0.1, random_state=0)
    >>> clf = SigmoidMLPClassifier((8,), solver="lbfgs", max_iter=500,
    ...                            n_restarts=3, random_state=0).fit(X, y)
    >>> clf.predict_proba(X[:2]).shape
    (2, 2)
    >>> bool(clf.score(X, y) > 0.95)
    True
    """

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

    def _validate_input(self, X, y, incremental, reset):
        X, y = validate_data(self, X, y, accept_sparse=["csr", "csc"],
                             multi_output=True, dtype=(np.float64, np.float32),
                             reset=reset)
        if y.ndim == 2 and y.shape[1] == 1:
            y = column_or_1d(y, warn=True)
        check_classification_targets(y)
        if not hasattr(self, "classes_") or (not self.warm_start and not incremental):
            binarizer = LabelBinarizer().fit(y)
            if len(binarizer.classes_) < 2:
                raise ValueError(
                    f"{type(self).__name__} needs samples of at least 2 classes "
                    f"in the data, but the data contains only one class: "
                    f"{user_repr(binarizer.classes_[0])}.")
            self._label_binarizer = binarizer
            self.classes_ = binarizer.classes_
        else:
            classes = unique_labels(y)
            if self.warm_start and not incremental:
                if set(classes) != set(self.classes_):
                    raise ValueError(
                        "warm_start can only be used where `y` has the same "
                        f"classes as in the previous call to fit. Previously got "
                        f"{self.classes_}, `y` has {classes}.")
            elif len(np.setdiff1d(classes, self.classes_)):
                raise ValueError(
                    f"`y` has classes not in `self.classes_`. `self.classes_` has "
                    f"{self.classes_}. 'y' has {classes}.")
        Y = self._label_binarizer.transform(y).astype(X.dtype)
        return X, Y

    def _output_setup(self, Y):
        if self._label_binarizer.y_type_ == "multiclass":
            return "softmax", "log_loss", "accuracy"
        return "logistic", "binary_log_loss", "accuracy"

    @available_if(lambda est: est._check_solver())
    @restore_on_error
    def partial_fit(self, X, y, classes=None, sample_weight=None):
        """Update the model with one epoch over the given data.

        Only available for the stochastic solvers ('adam', 'sgd').

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The input data.
        y : array-like of shape (n_samples,) or (n_samples, n_labels)
            The target values.
        classes : array-like of shape (n_classes,), default=None
            All the classes that calls to ``partial_fit`` will see. Required
            on the first call (unless y is a multilabel indicator matrix),
            optional afterwards; ``y`` need not contain every class.
        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative sample weights.

        Returns
        -------
        self : object
            The updated estimator.

        Examples
        --------
        >>> import numpy as np
        >>> from skorchlite import SigmoidMLPClassifier
        >>> X = np.array([[0.0], [1.0], [2.0], [3.0]])
        >>> clf = SigmoidMLPClassifier((4,), random_state=0)
        >>> clf = clf.partial_fit(X[:2], [0, 0], classes=[0, 1])
        >>> clf = clf.partial_fit(X[2:], [1, 1])
        >>> clf.classes_
        array([0, 1])
        """
        if not hasattr(self, "classes_"):
            multilabel = type_of_target(y).startswith("multilabel")
            if classes is None and not multilabel:
                raise ValueError("classes must be passed on the first call to partial_fit.")
            binarizer = LabelBinarizer().fit(y if multilabel else classes)
            if len(binarizer.classes_) < 2:
                raise ValueError(
                    "classes must hold at least 2 classes; got "
                    f"{user_repr(binarizer.classes_)}.")
            self._label_binarizer = binarizer
            self.classes_ = binarizer.classes_
        elif classes is not None and not np.array_equal(unique_labels(classes), self.classes_):
            raise ValueError(
                f"`classes={user_repr(classes)}` is not the same as on last call to "
                f"partial_fit, was: {user_repr(self.classes_)}. The classes are fixed by "
                "the first call; pass the same ones, or call fit to start afresh.")
        return self._fit(X, y, sample_weight, incremental=True)

    def predict(self, X):
        """Predict class labels.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The input data.

        Returns
        -------
        y : ndarray of shape (n_samples,) or (n_samples, n_labels)
            The predicted classes (a label indicator matrix for multilabel
            targets).

        Examples
        --------
        >>> from sklearn.datasets import make_blobs
        >>> from skorchlite import SigmoidMLPClassifier
        >>> X, y = make_blobs(60, centers=3, random_state=0)
        >>> clf = SigmoidMLPClassifier((5,), solver="lbfgs", random_state=0).fit(X, y)
        >>> clf.predict(X[:4]).shape
        (4,)
        """
        return self._labels(self._evaluate(X))

    def predict_proba(self, X):
        """Probability estimates.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The input data.

        Returns
        -------
        proba : ndarray of shape (n_samples, n_classes)
            Probability of each class, in the order of ``classes_`` (for
            multilabel targets, of each label independently).

        Examples
        --------
        >>> from sklearn.datasets import make_blobs
        >>> from skorchlite import SigmoidMLPClassifier
        >>> X, y = make_blobs(60, centers=3, random_state=0)
        >>> clf = SigmoidMLPClassifier((5,), solver="lbfgs", random_state=0).fit(X, y)
        >>> clf.predict_proba(X[:4]).sum(axis=1).round(6)
        array([1., 1., 1., 1.])
        """
        return self._probabilities(self._evaluate(X))

    def predict_log_proba(self, X):
        """Logarithm of the probability estimates, ``log(predict_proba(X))``.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The input data.

        Returns
        -------
        log_proba : ndarray of shape (n_samples, n_classes)
            Log-probability of each class, in the order of ``classes_``.

        Examples
        --------
        >>> import numpy as np
        >>> from sklearn.datasets import make_blobs
        >>> from skorchlite import SigmoidMLPClassifier
        >>> X, y = make_blobs(60, centers=2, random_state=0)
        >>> clf = SigmoidMLPClassifier((5,), solver="lbfgs", random_state=0).fit(X, y)
        >>> np.allclose(np.exp(clf.predict_log_proba(X)), clf.predict_proba(X))
        True
        """
        proba = self.predict_proba(X)
        with np.errstate(divide="ignore"):
            return np.log(proba, out=proba)

    def predict_step(self, X):
        """Predict class labels with every hidden unit replaced by its step limit.

        Each logistic unit becomes 1 where its pre-activation is > 0 and 0
        elsewhere (each tanh unit +1 / -1), layer after layer; the output
        layer is unchanged. See :meth:`predict_proba_step`.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The input data.

        Returns
        -------
        y : ndarray of shape (n_samples,) or (n_samples, n_labels)
            The classes the step-function network predicts.

        Raises
        ------
        ValueError
            If ``activation`` is 'relu' or 'identity', which have no step
            limit.

        Examples
        --------
        >>> from sklearn.datasets import make_blobs
        >>> from skorchlite import SigmoidMLPClassifier
        >>> X, y = make_blobs(60, centers=2, random_state=0)
        >>> clf = SigmoidMLPClassifier((3,), solver="lbfgs", random_state=0).fit(X, y)
        >>> clf.predict_step(X[:5]).shape
        (5,)
        """
        return self._labels(self._evaluate(X, step=True))

    def predict_proba_step(self, X):
        """Class probabilities of the step-function network.

        Every hidden unit is replaced by its step limit (logistic: 1 where
        its pre-activation is > 0, else 0; tanh: +1 / -1), layer after layer,
        and the output layer (logistic or softmax) is applied to the codes
        of the last hidden layer. With k units in the last hidden layer there
        are at most 2**k distinct rows of probabilities.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The input data.

        Returns
        -------
        proba : ndarray of shape (n_samples, n_classes)
            Probability of each class, in the order of ``classes_``.

        Raises
        ------
        ValueError
            If ``activation`` is 'relu' or 'identity', which have no step
            limit.

        Examples
        --------
        >>> import numpy as np
        >>> from sklearn.datasets import make_blobs
        >>> from skorchlite import SigmoidMLPClassifier
        >>> X, y = make_blobs(60, centers=3, random_state=0)
        >>> clf = SigmoidMLPClassifier((2,), solver="lbfgs", random_state=0).fit(X, y)
        >>> len(np.unique(clf.predict_proba_step(X), axis=0)) <= 4
        True
        """
        return self._probabilities(self._evaluate(X, step=True, caller="predict_proba_step"))

    def _labels(self, y_pred):
        if self.n_outputs_ == 1:
            y_pred = y_pred.ravel()
        return self._label_binarizer.inverse_transform(y_pred)

    def _probabilities(self, y_pred):
        if self.n_outputs_ == 1:
            y_pred = y_pred.ravel()
            return np.vstack([1 - y_pred, y_pred]).T
        return y_pred

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.classifier_tags.multi_label = True
        return tags
