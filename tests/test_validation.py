"""Bad input and bad parameters: clear errors, and no half-fitted estimator."""

import re

import numpy as np
import pytest
from conftest import ESTIMATORS, STEP_ESTIMATORS
from sklearn.exceptions import NotFittedError
from sklearn.utils.validation import check_is_fitted

from skorchlite import InvalidParameterError, SigmoidMLPClassifier, SigmoidMLPRegressor

X_OK = np.random.RandomState(0).randn(20, 2)
Y_OK = np.arange(20) % 2


def _assert_unfitted(est):
    with pytest.raises(NotFittedError):
        check_is_fitted(est)
    assert not hasattr(est, "n_features_in_")


@pytest.mark.parametrize("Estimator", ESTIMATORS)
@pytest.mark.parametrize("X, message", [
    (np.array([[1.0, np.nan]] * 20), "Input X contains NaN"),
    (np.array([[1.0, np.inf]] * 20), "Input X contains infinity"),
    (np.array([["a", "b"]] * 20), "could not convert string to float"),
    (np.array([[object(), 1.0]] * 20, dtype=object), "float() argument must be"),
    (np.empty((0, 2)), "0 sample(s) (shape=(0, 2)) while a minimum of 1 is required"),
    (np.empty((20, 0)), "0 feature(s) (shape=(20, 0)) while a minimum of 1 is required"),
])
def test_bad_X_at_fit(Estimator, X, message):
    est = Estimator((3,), device="cpu")
    with pytest.raises((ValueError, TypeError), match=re.escape(message)):
        est.fit(X, Y_OK[:len(X)] if len(X) else Y_OK[:0])
    _assert_unfitted(est)


@pytest.mark.parametrize("y, message", [
    (np.r_[np.nan, np.ones(19)], "Input y contains NaN"),
    (np.arange(19), "inconsistent numbers of samples: [20, 19]"),
])
@pytest.mark.parametrize("Estimator", ESTIMATORS)
def test_bad_y_at_fit(Estimator, y, message):
    est = Estimator((3,), device="cpu")
    with pytest.raises(ValueError, match=re.escape(message)):
        est.fit(X_OK, y)
    _assert_unfitted(est)


def test_classifier_needs_two_classes():
    est = SigmoidMLPClassifier((3,), device="cpu")
    with pytest.raises(ValueError, match="needs samples of at least 2 classes.*only one class"):
        est.fit(X_OK, np.ones(20))
    _assert_unfitted(est)


def test_classifier_refuses_continuous_targets():
    with pytest.raises(ValueError, match="Unknown label type: continuous"):
        SigmoidMLPClassifier((3,), device="cpu").fit(X_OK, np.linspace(0, 1, 20))


def test_regressor_refuses_string_targets():
    with pytest.raises(ValueError, match="could not convert string to float"):
        SigmoidMLPRegressor((3,), device="cpu").fit(X_OK, np.array(["a", "b"] * 10))


@pytest.mark.parametrize("Estimator", ESTIMATORS)
@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_wrong_number_of_features_at_predict(Estimator):
    est = Estimator((3,), solver="lbfgs", max_iter=5, device="cpu").fit(X_OK, Y_OK)
    message = f"X has 3 features, but {Estimator.__name__} is expecting 2 features as input"
    with pytest.raises(ValueError, match=re.escape(message)):
        est.predict(np.ones((4, 3)))


@pytest.mark.parametrize("Estimator", ESTIMATORS)
def test_predict_before_fit(Estimator):
    with pytest.raises(NotFittedError, match="is not fitted yet"):
        Estimator().predict(X_OK)


@pytest.mark.parametrize("Estimator", ESTIMATORS)
@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_failed_refit_keeps_previous_fit(Estimator):
    est = Estimator((3,), solver="lbfgs", max_iter=5, device="cpu").fit(X_OK, Y_OK)
    before = [c.copy() for c in est.coefs_]
    with pytest.raises(ValueError):
        est.fit(np.ones((20, 5)) * np.nan, Y_OK)
    assert est.n_features_in_ == 2
    np.testing.assert_array_equal(est.coefs_[0], before[0])
    est.predict(X_OK)


@pytest.mark.parametrize("Estimator", ESTIMATORS)
@pytest.mark.parametrize("param, value, message", [
    ("hidden_layer_sizes", (3, 0), "'hidden_layer_sizes' parameter of {name} must be a "
     "positive int or a sequence of positive ints (() for no hidden layer). Got (3, 0) "
     "instead."),
    ("hidden_layer_sizes", 0, "Got 0 instead."),
    ("activation", "sigmoid", "'activation' parameter of {name} must be one of "
     "'logistic', 'tanh', 'relu', 'identity'. Got 'sigmoid' instead."),
    ("solver", "newton", "Got 'newton' instead."),
    ("alpha", -1.0, "must be a float in the range [0, inf). Got -1.0 instead."),
    ("batch_size", 0, "must be one of 'auto' or an int in the range [1, inf). Got 0"),
    ("learning_rate_init", 0.0, "must be a float in the range (0, inf). Got 0.0"),
    ("max_iter", 0, "must be an int in the range [1, inf). Got 0 instead."),
    ("max_iter", 2.5, "Got 2.5 instead."),
    ("momentum", 1.5, "must be a float in the range [0, 1]. Got 1.5"),
    ("beta_2", 1.0, "must be a float in the range [0, 1). Got 1.0"),
    ("shuffle", "yes", "'shuffle' parameter of {name} must be a bool. Got 'yes'"),
    ("n_iter_no_change", 0, "Got 0 instead."),
    ("n_restarts", 0, "'n_restarts' parameter of {name} must be an int in the range "
     "[1, inf). Got 0 instead."),
    ("random_state", "seed", "Got 'seed' instead."),
    ("device", 3, "'device' parameter of {name} must be 'auto', 'cpu', 'cuda', "
     "'cuda:N', 'mps', 'mps:0' or a torch.device. Got 3 instead."),
])
def test_invalid_parameters(Estimator, param, value, message):
    est = Estimator(**{param: value})
    with pytest.raises(InvalidParameterError, match=re.escape(
            message.format(name=Estimator.__name__))):
        est.fit(X_OK, Y_OK)
    _assert_unfitted(est)
    assert issubclass(InvalidParameterError, ValueError)


@pytest.mark.parametrize("Estimator", STEP_ESTIMATORS)
def test_step_estimators_validate_params_hook(Estimator):
    from sklearn.utils._param_validation import InvalidParameterError as SklearnError  # reference

    assert Estimator()._validate_params() is None
    with pytest.raises(SklearnError, match=f"'refit' parameter of {Estimator.__name__}"):
        Estimator(refit="weights")._validate_params()


@pytest.mark.parametrize("Estimator", ESTIMATORS)
@pytest.mark.parametrize("param, value", [("alpha", -1.0), ("solver", "newton"),
                                          ("hidden_layer_sizes", (0,)), ("device", 3)])
def test_scikit_learns_validate_params_hook(Estimator, param, value):
    """scikit-learn's ``_validate_params`` runs our table and raises its own
    InvalidParameterError; valid parameters pass."""
    from sklearn.utils._param_validation import InvalidParameterError as SklearnError  # reference

    assert Estimator()._validate_params() is None
    est = Estimator(**{param: value})
    with pytest.raises(SklearnError, match=f"'{param}' parameter of {Estimator.__name__}"):
        est._validate_params()
    assert issubclass(InvalidParameterError, SklearnError)


def test_invalid_loss():
    with pytest.raises(ValueError, match="'loss' parameter of SigmoidMLPRegressor"):
        SigmoidMLPRegressor(loss="absolute_error").fit(X_OK, Y_OK)


def test_n_iter_no_change_accepts_inf():
    est = SigmoidMLPRegressor((3,), n_iter_no_change=np.inf, max_iter=3, device="cpu")
    with pytest.warns(Warning):
        est.fit(X_OK, Y_OK)
    assert est.n_iter_ == 3


def test_validation_set_too_small():
    est = SigmoidMLPRegressor((3,), early_stopping=True, validation_fraction=0.01,
                              device="cpu")
    with pytest.raises(ValueError, match="The validation set is too small"):
        est.fit(X_OK, Y_OK)
    _assert_unfitted(est)


def test_non_finite_weights_are_an_error():
    X = X_OK * 1e200
    est = SigmoidMLPRegressor((3,), solver="sgd", learning_rate_init=10.0, max_iter=5,
                              device="cpu")
    with pytest.raises(ValueError, match="Solver produced non-finite parameter weights. .*"
                       r"Every restart \(1 of 1\) diverged.*lower learning_rate_init \(now 10.0\)"):
        with np.errstate(all="ignore"):
            est.fit(X, Y_OK * 1e200)
    _assert_unfitted(est)
