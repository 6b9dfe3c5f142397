"""Saving and loading: pickle, joblib and skops; numpy only; format versions."""

import io
import pickle

import joblib
import numpy as np
import pytest
from conftest import ESTIMATORS

from skorchlite import SigmoidMLPClassifier, SigmoidMLPRegressor

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
X = np.random.RandomState(0).randn(60, 3)
Y_CLASS = (X[:, 0] + X[:, 1] > 0).astype(int)


def _fitted(Estimator, solver, **params):
    y = Y_CLASS if Estimator is SigmoidMLPClassifier else X[:, 0] * X[:, 1]
    return Estimator((4,), solver=solver, max_iter=10, n_restarts=2, random_state=0,
                     device="cpu", **params).fit(X, y), y


def _outputs(est):
    if isinstance(est, SigmoidMLPClassifier):
        return est.predict_proba(X)
    return est.predict(X)


@pytest.mark.parametrize("solver", ["adam", "lbfgs"])
@pytest.mark.parametrize("Estimator", ESTIMATORS)
def test_pickle_and_joblib_round_trips(Estimator, solver):
    est, y = _fitted(Estimator, solver)
    payload = pickle.dumps(est)
    assert b"torch" not in payload  # numpy only: loads where torch has no GPU
    np.testing.assert_array_equal(_outputs(pickle.loads(payload)), _outputs(est))
    buffer = io.BytesIO()
    joblib.dump(est, buffer)
    buffer.seek(0)
    loaded = joblib.load(buffer)
    np.testing.assert_array_equal(_outputs(loaded), _outputs(est))
    assert loaded.device_ == est.device_ and est.device_.type == "cpu"
    # the live estimator is untouched by pickling
    assert not isinstance(est.device_, str)


def test_loaded_model_keeps_training():
    est, y = _fitted(SigmoidMLPRegressor, "adam", warm_start=True)
    loaded = pickle.loads(pickle.dumps(est))
    est.fit(X, y)
    loaded.fit(X, y)
    np.testing.assert_array_equal(loaded.coefs_[0], est.coefs_[0])
    loaded.partial_fit(X, y)
    assert loaded.t_ == est.t_ + len(X)


def test_unfitted_estimator_round_trips():
    est = SigmoidMLPClassifier((3,), alpha=0.5)
    assert pickle.loads(pickle.dumps(est)).get_params() == est.get_params()


@pytest.mark.parametrize("early_stopping", [False, True])
@pytest.mark.parametrize("Estimator", ESTIMATORS)
def test_skops_with_the_documented_trusted_types(Estimator, early_stopping):
    sio = pytest.importorskip("skops.io")
    est, _ = _fitted(Estimator, "adam", early_stopping=early_stopping)
    data = sio.dumps(est)
    trusted = [f"skorchlite.{Estimator.__module__.split('.')[-1]}.{Estimator.__name__}"]
    assert sio.get_untrusted_types(data=data) == trusted
    with pytest.raises(Exception, match="Untrusted types found"):
        sio.loads(data)
    loaded = sio.loads(data, trusted=trusted)
    np.testing.assert_array_equal(_outputs(loaded), _outputs(est))
    assert loaded.device_ == est.device_


def test_newer_format_is_refused_clearly():
    est, _ = _fitted(SigmoidMLPRegressor, "lbfgs")
    state = est.__getstate__()
    state["_skorchlite_format"] = 99
    blank = SigmoidMLPRegressor.__new__(SigmoidMLPRegressor)
    with pytest.raises(ValueError, match=r"saved by a newer skorchlite \(state format 99\)"
                       r".*Upgrade skorchlite"):
        blank.__setstate__(state)


def test_unversioned_state_is_refused_clearly():
    est, _ = _fitted(SigmoidMLPRegressor, "lbfgs")
    state = est.__getstate__()
    del state["_skorchlite_format"]
    blank = SigmoidMLPRegressor.__new__(SigmoidMLPRegressor)
    with pytest.raises(ValueError, match="without a skorchlite state format version"):
        blank.__setstate__(state)
