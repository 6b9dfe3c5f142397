"""Device policies, tested on the CPU with the capabilities of a GPU injected.

Every decision skorchlite makes about a device is a function of a
``DeviceCapabilities`` record. Here the records of an MPS device, a consumer
CUDA GPU and a datacenter one are passed in while the arithmetic runs on the
CPU, so the CUDA and MPS policies are checked on any machine. The tests that
need a real GPU are at the end and skip without one.
"""

import pickle
import warnings

import numpy as np
import pytest
import torch
from sklearn import config_context
from sklearn.exceptions import ConvergenceWarning

import skorchlite._capabilities as capabilities
import skorchlite._device as device_module
from skorchlite import SigmoidMLPClassifier, SigmoidMLPRegressor
from skorchlite._capabilities import (
    AUTO_CUDA_WORK,
    CPU,
    DeviceCapabilities,
    auto_device,
    check_memory,
    chunk_rows,
    compute_dtype,
    determinism_problem,
    dtype_advice,
    fallback_device,
)
from skorchlite._device import resolve_device, with_index
from skorchlite._network import BatchedMLP
from skorchlite._optim import Adam, step_dtype

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")

MPS = DeviceCapabilities("mps", 0, float64=False, fast_float64=False,
                         memory_bytes=8 * 2**30, name="Apple MPS")
RTX = DeviceCapabilities("cuda", 0, float64=True, fast_float64=False,
                         memory_bytes=8 * 2**30, name="NVIDIA GeForce RTX 4070")
H100 = DeviceCapabilities("cuda", 1, float64=True, fast_float64=True,
                          memory_bytes=80 * 2**30, name="NVIDIA H100")
CUDA_TESTS = pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA device")


@pytest.fixture(autouse=True)
def _fresh_warnings(monkeypatch):
    """Each test sees the once-per-process warnings afresh."""
    monkeypatch.setattr(capabilities, "_warned", set())


@pytest.fixture
def on_cpu_as(monkeypatch):
    """Run fits and predictions on the CPU with ``caps`` as the device's
    capabilities (the arithmetic stays on the CPU)."""
    def inject(caps):
        monkeypatch.setattr(device_module, "device_capabilities", lambda device: caps)
    return inject


@pytest.fixture
def network_dtypes(monkeypatch):
    """The dtypes of every BatchedMLP built, in order."""
    seen = []
    original = BatchedMLP.__init__

    def spy(self, *args, **kwargs):
        original(self, *args, **kwargs)
        seen.append(self.dtype)

    monkeypatch.setattr(BatchedMLP, "__init__", spy)
    return seen


def _sine(n=120, dtype=np.float64):
    rng = np.random.RandomState(0)
    X = np.sort(rng.uniform(0, 2 * np.pi, n)).reshape(-1, 1).astype(dtype)
    return X, (np.sin(X).ravel() + 0.1 * rng.randn(n)).astype(dtype)


# -- 1. MPS has no float64: float32 everywhere, scikit-learn's dtypes kept ------------------


def test_compute_dtype_is_float32_only_where_float64_is_missing():
    f32, f64 = np.dtype(np.float32), np.dtype(np.float64)
    assert compute_dtype(MPS, f64) == f32 and compute_dtype(MPS, f32) == f32
    for caps in (CPU, RTX, H100):
        assert compute_dtype(caps, f64) == f64 and compute_dtype(caps, f32) == f32


@pytest.mark.parametrize("solver", ["lbfgs", "adam", "sgd"])
def test_mps_fit_computes_in_float32_and_keeps_scikit_learns_dtype(
        solver, on_cpu_as, network_dtypes):
    X, y = _sine()
    params = dict(hidden_layer_sizes=(5,), solver=solver, max_iter=20, random_state=0,
                  device="cpu")
    cpu = SigmoidMLPRegressor(**params).fit(X, y)
    on_cpu_as(MPS)
    network_dtypes.clear()
    with pytest.warns(UserWarning, match="Apple MPS has no float64: skorchlite computes in "
                                         "float32"):
        mps = SigmoidMLPRegressor(**params).fit(X, y)
    assert network_dtypes == [torch.float32]
    assert [c.dtype for c in mps.coefs_] == [c.dtype for c in cpu.coefs_] == [np.float64] * 2
    assert mps.intercepts_[0].dtype == np.float64
    # the same fit at float32 precision, not the float64 one
    np.testing.assert_allclose(mps.predict(X), cpu.predict(X), rtol=0, atol=2e-2)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        warnings.simplefilter("ignore", ConvergenceWarning)  # warned once per process, not at every fit
        SigmoidMLPRegressor(**params).fit(X, y)


def test_mps_predictions_are_computed_in_float32(on_cpu_as, network_dtypes):
    X, y = _sine()
    est = SigmoidMLPClassifier((4,), solver="lbfgs", max_iter=30, random_state=0,
                               device="cpu").fit(X, y > 0)
    as_float32 = pickle.loads(pickle.dumps(est))
    as_float32.coefs_ = [c.astype(np.float32) for c in est.coefs_]
    as_float32.intercepts_ = [b.astype(np.float32) for b in est.intercepts_]
    expected = as_float32.predict_proba(X.astype(np.float32))
    on_cpu_as(MPS)
    network_dtypes.clear()
    with pytest.warns(UserWarning, match="has no float64"):
        proba = est.predict_proba(X)
    assert network_dtypes == [torch.float32] and proba.dtype == np.float64
    # the positive class's probability is the network's float32 output
    np.testing.assert_array_equal(proba[:, 1], expected[:, 1])


def test_mps_plots_compute_in_float32(on_cpu_as, network_dtypes):
    pytest.importorskip("matplotlib")
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from skorchlite.plotting import HiddenUnitsDisplay, StepFunctionDisplay

    X, y = _sine()
    est = SigmoidMLPRegressor((3,), solver="lbfgs", max_iter=20, random_state=0,
                              device="cpu").fit(X, y)
    on_cpu_as(MPS)
    network_dtypes.clear()
    with pytest.warns(UserWarning, match="has no float64"):
        HiddenUnitsDisplay.from_estimator(est, X, y)
        StepFunctionDisplay.from_estimator(est, X, y)
    plt.close("all")
    assert network_dtypes and set(network_dtypes) == {torch.float32}


def test_lbfgs_hands_scipy_a_float64_gradient_from_a_float32_network(monkeypatch,
                                                                     on_cpu_as):
    import scipy.optimize

    seen = []
    minimize = scipy.optimize.minimize

    def spy(fun, x0, **kwargs):
        def checked(x):
            loss, grad = fun(x)
            seen.append(grad.dtype)
            return loss, grad
        return minimize(checked, x0, **kwargs)

    monkeypatch.setattr(scipy.optimize, "minimize", spy)
    # and scipy's float64 points reach the device as float32 tensors (MPS
    # refuses float64 tensors)
    import skorchlite._lbfgs as lbfgs

    uploaded = []
    to_tensor = lbfgs.to_tensor
    monkeypatch.setattr(lbfgs, "to_tensor", lambda *a: uploaded.append(to_tensor(*a).dtype)
                        or to_tensor(*a))
    on_cpu_as(MPS)
    X, y = _sine()
    with pytest.warns(UserWarning, match="has no float64"):
        SigmoidMLPRegressor((3,), solver="lbfgs", max_iter=5, device="cpu").fit(X, y)
    assert seen and set(seen) == {np.dtype(np.float64)}
    assert uploaded and set(uploaded) == {torch.float32}


# -- 2. Adam's step counter: the dtype torch.optim.Adam gives it ----------------------------


@pytest.mark.parametrize("default", [torch.float32, torch.float64])
def test_adam_step_counter_dtype_is_torch_optims(default):
    previous = torch.get_default_dtype()
    torch.set_default_dtype(default)
    try:
        for fused in (True, False):
            p = torch.zeros(3, dtype=torch.float32)
            p.grad = torch.ones(3, dtype=torch.float32)
            reference = torch.optim.Adam([p], fused=fused, foreach=False if not fused else None)
            reference.step()
            assert step_dtype(fused) == reference.state[p]["step"].dtype
        flat = torch.zeros((1, 3), dtype=torch.float32)
        hyper = dict(learning_rate_init=1e-3, beta_1=0.9, beta_2=0.999, epsilon=1e-8)
        ours = Adam(flat, **hyper)
        assert ours._fused is not None  # torch 2.x on the CPU: the fused kernel
        # the fused CUDA kernel reads the counter as float32 bits
        assert ours._step.dtype == torch.float32
        assert Adam(flat, **hyper, fused=False)._step.dtype == default
    finally:
        torch.set_default_dtype(previous)


def test_fit_under_float64_default_dtype_matches(sine):
    X, y = sine
    params = dict(hidden_layer_sizes=(4,), max_iter=15, random_state=0, device="cpu")
    expected = SigmoidMLPRegressor(**params).fit(X, y).coefs_[0]
    previous = torch.get_default_dtype()
    torch.set_default_dtype(torch.float64)
    try:
        got = SigmoidMLPRegressor(**params).fit(X, y).coefs_[0]
    finally:
        torch.set_default_dtype(previous)
    np.testing.assert_array_equal(got, expected)


# -- 3. device="auto" by solver and work per step; device_ with its index --------------------


def test_auto_device_rule():
    assert auto_device(True, 10**9, None) == torch.device("cpu")  # no CUDA
    assert auto_device(False, 10**12, H100) == torch.device("cpu")
    assert auto_device(True, AUTO_CUDA_WORK - 1, H100) == torch.device("cpu")
    assert auto_device(True, AUTO_CUDA_WORK, H100) == torch.device("cuda", 1)
    assert auto_device(True, 10**9, RTX) == torch.device("cuda", 0)


@pytest.fixture
def fake_cuda(monkeypatch):
    """torch says a CUDA device (index 0 of 1) is there; nothing touches it."""
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    monkeypatch.setattr(torch.cuda, "device_count", lambda: 1)
    monkeypatch.setattr(torch.cuda, "current_device", lambda: 0)
    monkeypatch.setattr(device_module, "device_capabilities",
                        lambda device: RTX if device.type == "cuda" else CPU)


@pytest.mark.parametrize("solver", ["lbfgs", "adam", "sgd"])
def test_auto_keeps_small_fits_on_the_cpu_where_cuda_is(solver, fake_cuda):
    X, y = _sine()
    est = SigmoidMLPRegressor((5,), solver=solver, max_iter=5, random_state=0).fit(X, y)
    assert est.device_ == torch.device("cpu")


def test_auto_and_cuda_resolve_with_their_index(fake_cuda):
    assert resolve_device("auto", stochastic=True, work_per_step=10**8) == torch.device("cuda:0")
    assert resolve_device("auto", stochastic=False, work_per_step=10**12) == torch.device("cpu")
    assert resolve_device("cuda") == torch.device("cuda:0")
    assert resolve_device(torch.device("cuda")) == torch.device("cuda:0")
    assert with_index(torch.device("cuda"), 3) == torch.device("cuda:3")
    assert with_index(torch.device("cuda:1"), 3) == torch.device("cuda:1")


# -- 4. float64 on a GPU without fast float64: kept, warned once with the remedy --------------


def test_float64_advice():
    f64, f32 = np.float64, np.float32
    assert "X.astype(np.float32)" in dtype_advice(RTX, f64, stochastic=True)
    assert "device='cpu' or 'auto' for lbfgs" in dtype_advice(RTX, f64, stochastic=False)
    assert dtype_advice(RTX, f32, stochastic=True) is None
    assert dtype_advice(H100, f64, stochastic=True) is None
    assert dtype_advice(CPU, f64, stochastic=False) is None


def test_float64_on_a_consumer_gpu_is_kept_and_warned_once(on_cpu_as, network_dtypes):
    X, y = _sine()
    on_cpu_as(RTX)
    est = SigmoidMLPRegressor((4,), max_iter=5, random_state=0, device="cpu")
    with pytest.warns(UserWarning, match=r"GeForce RTX 4070 runs float64 arithmetic at "
                                         r"1/32 to 1/64.*X\.astype\(np\.float32\)"):
        est.fit(X, y)
    assert network_dtypes == [torch.float64] and est.coefs_[0].dtype == np.float64
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        warnings.simplefilter("ignore", ConvergenceWarning)
        est.fit(X, y)  # once per process
        est.fit(X.astype(np.float32), y)  # the remedy: no warning, float32
    assert network_dtypes[-1] == torch.float32 and est.coefs_[0].dtype == np.float32


# -- 5. memory: chunks sized from the device, a clear error before an upload that cannot fit --


def test_chunk_rows_follow_the_device_and_the_restarts():
    assert chunk_rows(CPU, 1, 100, 8, minimum=1024) == 64 * 2**20 // 800
    # on a GPU a chunk may take 1/16 of the free memory, at most 1 GiB
    assert chunk_rows(RTX, 1, 100, 4) == 8 * 2**30 // 16 // 400
    assert chunk_rows(H100, 1, 100, 4) == 2**30 // 400
    small = DeviceCapabilities("cuda", 0, memory_bytes=2**28)
    assert chunk_rows(small, 1, 100, 4) == 64 * 2**20 // 400
    assert chunk_rows(CPU, 2000, 256, 4) == 64  # the minimum
    assert chunk_rows(CPU, 10, 256, 4) == 64 * 2**20 // (10 * 256 * 4)


def test_check_memory_names_the_remedies():
    tiny = DeviceCapabilities("cuda", 0, memory_bytes=2**20, name="tiny GPU")
    check_memory(tiny, 2**19, n_restarts=1, dtype=np.float64)  # fits
    check_memory(CPU, 2**50, n_restarts=1, dtype=np.float64)  # not checked
    with pytest.raises(MemoryError) as info:
        check_memory(tiny, 2**30, n_restarts=8, dtype=np.float64)
    message = str(info.value)
    for part in ("about 1.00 GiB on cuda:0 (tiny GPU)", "X.astype(np.float32)",
                 "n_restarts=8", "device='cpu'", "partial_fit"):
        assert part in message
    with pytest.raises(MemoryError) as info:
        check_memory(tiny, 2**30, n_restarts=1, dtype=np.float32)
    assert "float32" not in str(info.value).split("To fit:")[1]
    assert "n_restarts" not in str(info.value)


@pytest.mark.parametrize("solver", ["adam", "lbfgs"])
def test_training_that_cannot_fit_is_refused_before_any_upload(solver, on_cpu_as,
                                                               network_dtypes):
    rng = np.random.RandomState(0)
    X, y = rng.rand(5000, 20), rng.rand(5000)
    on_cpu_as(DeviceCapabilities("cuda", 0, memory_bytes=2**20, name="tiny GPU"))
    est = SigmoidMLPRegressor((50,), solver=solver, n_restarts=4, device="cpu")
    with pytest.raises(MemoryError, match=r"needs about .* GiB on cuda:0 \(tiny GPU\)"):
        est.fit(X, y)
    assert not hasattr(est, "coefs_") and network_dtypes == []


@pytest.mark.parametrize("name", ["r2", "accuracy"])
@pytest.mark.parametrize("weighted", [False, True])
def test_validation_scores_in_chunks_equal_scikit_learns(name, weighted):
    from sklearn.metrics import accuracy_score, r2_score

    from skorchlite._init import glorot_uniform
    from skorchlite._network import to_tensor

    rng = np.random.RandomState(0)
    X = rng.randn(50, 3)
    out = "softmax" if name == "accuracy" else "identity"
    coefs, intercepts = glorot_uniform(rng, [3, 6, 3], 4, "logistic", np.float64)
    net = BatchedMLP(coefs, intercepts, "logistic", out, None, torch.device("cpu"),
                     torch.float64)
    labels = rng.randint(0, 3, 50)
    Y = np.eye(3)[labels] if name == "accuracy" else rng.randn(50, 3)
    sw = rng.rand(50) if weighted else None
    args = [to_tensor(a, net.device) if a is not None else None for a in (X, Y, sw)]
    whole = net.score(name, *args).numpy()
    P = net.predict(args[0]).numpy()
    for rows in (1, 7, 50, 1000):
        np.testing.assert_allclose(net.score(name, *args, chunk_rows=rows).numpy(), whole,
                                   rtol=1e-12)
    for r in range(4):
        expected = (accuracy_score(labels, P[r].argmax(1), sample_weight=sw)
                    if name == "accuracy" else r2_score(Y, P[r], sample_weight=sw))
        np.testing.assert_allclose(whole[r], expected, rtol=1e-12)


def test_early_stopping_scores_the_validation_set_in_chunks(monkeypatch):
    X, y = _sine(400)
    params = dict(hidden_layer_sizes=(6,), early_stopping=True, n_restarts=3, max_iter=15,
                  validation_fraction=0.25, random_state=0, device="cpu")
    whole = SigmoidMLPRegressor(**params).fit(X, y)
    rows_seen = []
    predict = BatchedMLP.predict

    def spy(self, X):
        rows_seen.append(X.shape[0])
        return predict(self, X)

    monkeypatch.setattr(BatchedMLP, "predict", spy)
    # 3 restarts x 6 units x 8 bytes x 64 rows: chunks of 64 rows of the 100
    monkeypatch.setattr(capabilities, "CHUNK_BYTES", 3 * 6 * 8 * 64)
    chunked = SigmoidMLPRegressor(**params).fit(X, y)
    assert set(rows_seen) == {64, 36}
    np.testing.assert_allclose(chunked.validation_scores_, whole.validation_scores_,
                               rtol=1e-12)
    assert chunked.best_restart_ == whole.best_restart_


# -- 6. the device cache: built once, rebuilt from numpy when numpy changes -----------------


def _stream(est, X, y, parts=3, between=None):
    for i, rows in enumerate(np.array_split(np.arange(len(X)), parts)):
        if i and between is not None:
            est = between(est)
        est.partial_fit(X[rows], y[rows])
    return est


@pytest.mark.parametrize("solver", ["adam", "sgd"])
def test_partial_fit_keeps_the_network_and_optimizer_on_the_device(solver, monkeypatch,
                                                                   network_dtypes):
    import skorchlite._solvers as solvers

    made = []
    make_optimizer = solvers.make_optimizer
    monkeypatch.setattr(solvers, "make_optimizer",
                        lambda *a, **k: made.append(1) or make_optimizer(*a, **k))
    X, y = _sine(300)
    params = dict(hidden_layer_sizes=(5,), solver=solver, learning_rate="invscaling",
                  n_restarts=2, random_state=0, device="cpu")
    cached = _stream(SigmoidMLPRegressor(**params), X, y)
    assert len(network_dtypes) == 1 and len(made) == 1  # built at the first call only
    # the same as rebuilding everything from the numpy state at every call
    rebuilt = _stream(SigmoidMLPRegressor(**params), X, y,
                      between=lambda est: pickle.loads(pickle.dumps(est)))
    assert len(network_dtypes) == 4 and len(made) == 4
    for a, b in zip(cached.coefs_ + cached.intercepts_, rebuilt.coefs_ + rebuilt.intercepts_):
        np.testing.assert_array_equal(a, b)
    assert cached.loss_curve_ == rebuilt.loss_curve_
    np.testing.assert_array_equal(cached._training_state.learning_rate,
                                  rebuilt._training_state.learning_rate)


@pytest.mark.parametrize("change", ["edit coefs_", "new learning_rate_init", "new dtype"])
def test_partial_fit_rebuilds_when_the_numpy_state_or_parameters_change(change,
                                                                        network_dtypes):
    X, y = _sine(300)
    params = dict(hidden_layer_sizes=(5,), random_state=0, device="cpu")

    def between(est):
        if change == "edit coefs_":
            est.coefs_[0] *= 0.5  # in place: scikit-learn continues from it
        elif change == "new learning_rate_init":
            est.set_params(learning_rate_init=0.01)
        return est

    Xc = X.astype(np.float32) if change == "new dtype" else X
    cached = SigmoidMLPRegressor(**params).partial_fit(X[:100], y[:100])
    between(cached).partial_fit(Xc[100:], y[100:])
    assert len(network_dtypes) == 2  # rebuilt from numpy for the second call
    fresh = SigmoidMLPRegressor(**params).partial_fit(X[:100], y[:100])
    fresh = between(pickle.loads(pickle.dumps(fresh))).partial_fit(Xc[100:], y[100:])
    for a, b in zip(cached.coefs_, fresh.coefs_):
        np.testing.assert_array_equal(a, b)


def test_predict_keeps_the_weights_on_the_device_and_honours_edits(network_dtypes):
    X, y = _sine()
    est = SigmoidMLPRegressor((4,), solver="lbfgs", max_iter=30, random_state=0,
                              device="cpu").fit(X, y)
    network_dtypes.clear()
    first = est.predict(X)
    est.predict(X)
    est.transform(X)
    est.hidden_activations(X, step=True)
    assert network_dtypes == [torch.float64]  # one upload for all four calls
    est.coefs_[1][:] = 0.0  # edited in place: the output is the bias
    np.testing.assert_allclose(est.predict(X), np.full(len(X), est.intercepts_[1][0]))
    est.coefs_ = [c.copy() for c in est.coefs_]  # new arrays, same values: no rebuild
    est.predict(X)
    est.intercepts_ = [b + 1.0 for b in est.intercepts_]
    np.testing.assert_allclose(est.predict(X), np.full(len(X), est.intercepts_[1][0]))
    assert len(network_dtypes) == 3
    assert not np.allclose(first, est.predict(X))
    est.predict(X.astype(np.float32))  # float64 weights: still computed in float64
    assert len(network_dtypes) == 3


def test_the_cache_never_travels(network_dtypes):
    X, y = _sine()
    est = SigmoidMLPRegressor((4,), max_iter=5, random_state=0, device="cpu")
    est = _stream(est, X, y, parts=2)
    expected = est.predict(X)
    assert "_device_cache" not in est.__getstate__() and len(est._device_cache) == 2
    payload = pickle.dumps(est)
    assert b"torch" not in payload
    loaded = pickle.loads(payload)
    assert len(loaded._device_cache) == 0
    np.testing.assert_array_equal(loaded.predict(X), expected)
    import copy

    assert len(copy.deepcopy(est)._device_cache) == 0


# -- 7. where a fitted model predicts; "mps:0" ----------------------------------------------


def test_fallback_device():
    cuda1 = torch.device("cuda:1")
    assert fallback_device(cuda1, cuda_count=1, cuda_current=0, mps_available=False) == (
        torch.device("cuda:0"), None)
    assert fallback_device(cuda1, cuda_count=2, cuda_current=0, mps_available=False) == (
        cuda1, None)
    assert fallback_device(torch.device("cuda"), cuda_count=4, cuda_current=2,
                           mps_available=False) == (torch.device("cuda:2"), None)
    device, message = fallback_device(cuda1, cuda_count=0, cuda_current=0,
                                      mps_available=True)
    assert device == torch.device("cpu") and "fitted on cuda:1" in message
    assert fallback_device(torch.device("mps:0"), cuda_count=0, cuda_current=0,
                           mps_available=True) == (torch.device("mps:0"), None)
    device, message = fallback_device(torch.device("mps"), cuda_count=1, cuda_current=0,
                                      mps_available=False)
    assert device == torch.device("cpu") and "predicting on the CPU" in message
    assert fallback_device(None, cuda_count=0, cuda_current=0, mps_available=False) == (
        torch.device("cpu"), None)


def test_model_from_cuda_1_predicts_on_the_current_gpu(fake_cuda, monkeypatch):
    X, y = _sine()
    est = SigmoidMLPRegressor((3,), max_iter=5, random_state=0, device="cpu").fit(X, y)
    est.device_ = torch.device("cuda:1")  # as unpickled from a two-GPU machine
    assert device_module.prediction_device(est.device_) == torch.device("cuda:0")


@pytest.mark.parametrize("spec", ["mps", "mps:0", torch.device("mps:0")])
def test_mps_names_are_accepted_alike(spec, monkeypatch):
    monkeypatch.setattr(torch.backends.mps, "is_available", lambda: True)
    assert resolve_device(spec) == torch.device("mps", 0)


def test_mps_names_without_mps(monkeypatch):
    monkeypatch.setattr(torch.backends.mps, "is_available", lambda: False)
    for spec in ("mps:0", torch.device("mps:0")):
        with pytest.raises(ValueError, match="torch sees no MPS device"):
            resolve_device(spec)
    X, y = _sine()
    for spec in ("mps:0", torch.device("mps:0")):  # the same error for both forms
        est = SigmoidMLPRegressor((3,), device=spec)
        with pytest.raises(ValueError, match="torch sees no MPS device"):
            est.fit(X, y)
    monkeypatch.setattr(torch.backends.mps, "is_available", lambda: True)
    with pytest.raises(ValueError, match="only one MPS device, mps:0"):
        resolve_device("mps:1")


# -- 8. determinism on CUDA needs cuBLAS's workspace setting --------------------------------


def test_deterministic_cuda_without_workspace_config_is_explained():
    assert determinism_problem(CPU, True, False, None) is None
    assert determinism_problem(RTX, False, False, None) is None
    assert determinism_problem(RTX, True, True, None) is None  # warn-only mode
    assert determinism_problem(RTX, True, False, ":4096:8") is None
    message = determinism_problem(RTX, True, False, None)
    assert "CUBLAS_WORKSPACE_CONFIG=:4096:8" in message
    assert "use_deterministic_algorithms(False)" in message


def test_deterministic_fit_is_refused_up_front(on_cpu_as, monkeypatch, network_dtypes):
    monkeypatch.delenv("CUBLAS_WORKSPACE_CONFIG", raising=False)
    monkeypatch.setattr(torch, "are_deterministic_algorithms_enabled", lambda: True)
    on_cpu_as(RTX)
    X, y = _sine()
    with pytest.raises(RuntimeError, match="CUBLAS_WORKSPACE_CONFIG"):
        SigmoidMLPRegressor((3,), max_iter=5, device="cpu").fit(X.astype(np.float32), y)
    assert network_dtypes == []


# -- on a real GPU ---------------------------------------------------------------------------


def _params(**extra):
    return {"hidden_layer_sizes": (8,), "max_iter": 20, "random_state": 0, **extra}


@CUDA_TESTS
@pytest.mark.parametrize("solver", ["adam", "sgd"])
@pytest.mark.parametrize("n_restarts", [1, 3])
def test_cuda_float32_matches_cpu(solver, n_restarts):
    X, y = _sine(300, np.float32)
    cpu = SigmoidMLPRegressor(**_params(solver=solver, n_restarts=n_restarts,
                                        device="cpu")).fit(X, y)
    gpu = SigmoidMLPRegressor(**_params(solver=solver, n_restarts=n_restarts,
                                        device="cuda")).fit(X, y)
    assert gpu.device_.type == "cuda" and gpu.device_.index is not None
    assert gpu.coefs_[0].dtype == np.float32
    np.testing.assert_allclose(gpu.restart_losses_, cpu.restart_losses_, rtol=1e-3)
    np.testing.assert_allclose(gpu.predict(X), cpu.predict(X), rtol=1e-3, atol=1e-3)


@CUDA_TESTS
def test_cuda_fused_adam_under_float64_default_dtype():
    X, y = _sine(300, np.float32)
    cpu = SigmoidMLPRegressor(**_params(device="cpu")).fit(X, y)
    previous = torch.get_default_dtype()
    torch.set_default_dtype(torch.float64)
    try:
        gpu = SigmoidMLPRegressor(**_params(device="cuda")).fit(X, y)
    finally:
        torch.set_default_dtype(previous)
    np.testing.assert_allclose(gpu.predict(X), cpu.predict(X), rtol=1e-3, atol=1e-3)


@CUDA_TESTS
def test_cuda_early_stopping_matches_cpu():
    X, y = _sine(400, np.float32)
    params = _params(early_stopping=True, n_restarts=2, max_iter=40)
    cpu = SigmoidMLPRegressor(**params, device="cpu").fit(X, y)
    gpu = SigmoidMLPRegressor(**params, device="cuda").fit(X, y)
    assert gpu.best_restart_ == cpu.best_restart_
    np.testing.assert_allclose(gpu.validation_scores_, cpu.validation_scores_, atol=1e-3)


@CUDA_TESTS
def test_cuda_chunked_predict():
    X, y = _sine(300)
    gpu = SigmoidMLPRegressor(**_params(device="cuda")).fit(X, y)
    whole = gpu.predict(X)
    big = np.repeat(X, 10, axis=0)
    with config_context(working_memory=1e-6):  # chunks of 1024 rows
        np.testing.assert_allclose(gpu.predict(big), np.repeat(whole, 10), rtol=1e-12)


@CUDA_TESTS
def test_cuda_partial_fit_streaming_matches_cpu():
    X, y = _sine(400, np.float32)
    models = {}
    for device in ("cpu", "cuda"):
        est = SigmoidMLPRegressor(**_params(device=device))
        for start in range(0, 400, 100):
            est.partial_fit(X[start:start + 100], y[start:start + 100])
        models[device] = est
    np.testing.assert_allclose(models["cuda"].predict(X), models["cpu"].predict(X),
                               rtol=1e-4, atol=1e-4)


@CUDA_TESTS
def test_cuda_pickle_loads_on_the_cpu(monkeypatch):
    X, y = _sine(200, np.float32)
    gpu = SigmoidMLPClassifier(**_params(device="cuda")).fit(X, y > 0)
    payload = pickle.dumps(gpu)
    assert b"torch.storage" not in payload and b"rebuild_tensor" not in payload
    expected = gpu.predict_proba(X)
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    loaded = pickle.loads(payload)
    with pytest.warns(UserWarning, match="predicting on the CPU"):
        np.testing.assert_allclose(loaded.predict_proba(X), expected, rtol=1e-4, atol=1e-5)
