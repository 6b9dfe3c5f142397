"""The displays of skorchlite.plotting draw what the network computes."""

import copy
import inspect
import io
import re
import subprocess
import sys
import warnings

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from conftest import DISPLAYS  # noqa: E402
from sklearn.base import clone  # noqa: E402
from sklearn.exceptions import NotFittedError  # noqa: E402
from sklearn.frozen import FrozenEstimator  # noqa: E402
from sklearn.linear_model import LinearRegression  # noqa: E402
from sklearn.pipeline import make_pipeline  # noqa: E402
from sklearn.preprocessing import FunctionTransformer, StandardScaler  # noqa: E402

from skorchlite import (  # noqa: E402
    SigmoidMLPClassifier,
    SigmoidMLPRegressor,
    StepFunctionClassifier,
    StepFunctionRegressor,
)
from skorchlite.datasets import make_rings  # noqa: E402
from skorchlite.plotting import (  # noqa: E402
    DecisionLinesDisplay,
    HiddenSpaceDisplay,
    HiddenUnitsDisplay,
    LossCurveDisplay,
    RestartsDisplay,
    StepFunctionDisplay,
)

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")

FAST = {"solver": "lbfgs", "max_iter": 100, "random_state": 0, "device": "cpu"}


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


@pytest.fixture(scope="module")
def sine_data():
    X = np.linspace(0, 2 * np.pi, 80).reshape(-1, 1)
    y = np.sin(X).ravel() + 0.1 * np.random.RandomState(0).randn(80)
    return X, y


@pytest.fixture(scope="module")
def sine_reg(sine_data):
    return SigmoidMLPRegressor((4,), n_restarts=3, **FAST).fit(*sine_data)


@pytest.fixture(scope="module")
def rings_data():
    return make_rings(60, random_state=0)


@pytest.fixture(scope="module")
def rings_clf(rings_data):
    return SigmoidMLPClassifier((3,), n_restarts=2, **FAST).fit(*rings_data)


def _grid(display):
    return display.fit_line_.get_xdata().reshape(-1, 1)


# -- HiddenUnitsDisplay ---------------------------------------------------------


def test_hidden_units_one_line_per_unit(sine_reg, sine_data):
    X, y = sine_data
    disp = HiddenUnitsDisplay.from_estimator(sine_reg, X, y)
    grid = _grid(disp)
    assert len(disp.lines_) == 4
    assert [line.get_label() for line in disp.lines_] == [f"unit {i}" for i in range(4)]
    assert disp.ax_units_ is not disp.ax_ and all(line.axes is disp.ax_units_
                                                  for line in disp.lines_)
    activations = sine_reg.hidden_activations(grid)[0]
    for i, line in enumerate(disp.lines_):
        np.testing.assert_allclose(line.get_ydata(), activations[:, i])
    np.testing.assert_allclose(disp.fit_line_.get_ydata(), sine_reg.predict(grid))
    assert grid.min() == X.min() and grid.max() == X.max()
    assert np.all(np.diff(grid.ravel()) > 0)
    assert disp.data_scatter_.get_offsets().shape == (80, 2)
    legend = [text.get_text() for text in disp.ax_.get_legend().get_texts()]
    assert legend == ["data", "network fit"] + [f"unit {i}" for i in range(4)]


def test_hidden_units_scaled_is_activation_times_outgoing_weight(sine_reg, sine_data):
    disp = HiddenUnitsDisplay.from_estimator(sine_reg, *sine_data, scaled=True)
    grid = _grid(disp)
    expected = sine_reg.hidden_activations(grid)[0] * sine_reg.coefs_[1][:, 0]
    # the units on their own (twin) axis, so the data and the fit keep their scale
    assert disp.ax_units_ is not disp.ax_
    assert all(line.axes is disp.ax_units_ for line in disp.lines_)
    assert disp.ax_units_.get_ylabel() == "activation × outgoing weight"
    for i, line in enumerate(disp.lines_):
        np.testing.assert_allclose(line.get_ydata(), expected[:, i])
    # one hidden layer, identity output: the scaled units add up to the fit
    np.testing.assert_allclose(expected.sum(axis=1) + sine_reg.intercepts_[1][0],
                               disp.fit_line_.get_ydata(), atol=1e-8)


def test_hidden_units_second_layer(sine_data):
    reg = SigmoidMLPRegressor((3, 2), **FAST).fit(*sine_data)
    disp = HiddenUnitsDisplay.from_estimator(reg, sine_data[0], layer=1, scaled=True)
    expected = reg.hidden_activations(_grid(disp))[1] * reg.coefs_[2][:, 0]
    assert len(disp.lines_) == 2 and disp.data_scatter_ is None
    np.testing.assert_allclose(disp.lines_[1].get_ydata(), expected[:, 1])


def test_hidden_units_binary_classifier_draws_probability(sine_data):
    X = sine_data[0]
    labels = np.where(np.sin(X).ravel() > 0, "up", "down")
    clf = SigmoidMLPClassifier((3,), **FAST).fit(X, labels)
    disp = HiddenUnitsDisplay.from_estimator(clf, X, labels)
    np.testing.assert_allclose(disp.fit_line_.get_ydata(), clf.predict_proba(_grid(disp))[:, 1])
    assert set(disp.data_scatter_.get_offsets()[:, 1]) == {0.0, 1.0}


def test_hidden_units_rejects_multiclass(sine_data):
    X = sine_data[0]
    clf = SigmoidMLPClassifier((3,), **FAST).fit(X, np.digitize(X.ravel(), [2, 4]))
    with pytest.raises(ValueError, match="regressor or a binary classifier"):
        HiddenUnitsDisplay.from_estimator(clf, X)


def test_hidden_units_keeps_feature_names(sine_data):
    pd = pytest.importorskip("pandas")
    X = pd.DataFrame(sine_data[0], columns=["t"])
    reg = SigmoidMLPRegressor((2,), **FAST).fit(X, sine_data[1])
    with warnings.catch_warnings():
        warnings.simplefilter("error", UserWarning)
        HiddenUnitsDisplay.from_estimator(reg, X, sine_data[1])
        StepFunctionDisplay.from_estimator(reg, X, sine_data[1], sharpness=(2,))


# -- StepFunctionDisplay ----------------------------------------------------------


def test_step_function_thresholds_limit_and_step_network(sine_reg, sine_data):
    X, y = sine_data
    disp = StepFunctionDisplay.from_estimator(sine_reg, X, y)
    grid = _grid(disp)
    step = StepFunctionRegressor(FrozenEstimator(sine_reg)).fit(X, y)
    w, b = step.coefs_[0][0], step.intercepts_[0]
    thresholds = np.sort(-b / w)
    inside = thresholds[(thresholds >= X.min()) & (thresholds <= X.max())]
    np.testing.assert_allclose(disp.thresholds_, inside)
    assert len(disp.threshold_lines_) == len(inside)
    np.testing.assert_allclose([line.get_xdata()[0] for line in disp.threshold_lines_], inside)
    np.testing.assert_allclose(disp.limit_line_.get_ydata(), sine_reg.predict_step(grid))
    np.testing.assert_allclose(disp.step_line_.get_ydata(), step.predict(grid))
    np.testing.assert_allclose(disp.fit_line_.get_ydata(), sine_reg.predict(grid))
    assert disp.step_line_.get_drawstyle().startswith("steps")
    assert disp.step_line_.get_label() == 'step network (refit="output")'


def test_step_function_passage_over_sharpness(sine_reg, sine_data):
    X, y = sine_data
    disp = StepFunctionDisplay.from_estimator(sine_reg, X, y, refit="thresholds",
                                              sharpness=(1, 4, 16, np.inf))
    assert sorted(disp.sharpness_lines_) == [1, 4, 16, np.inf]
    grid = _grid(disp)
    step = StepFunctionRegressor(FrozenEstimator(sine_reg), refit="thresholds").fit(X, y)
    np.testing.assert_allclose(disp.sharpness_lines_[np.inf].get_ydata(), step.predict(grid))
    np.testing.assert_allclose(disp.step_line_.get_ydata(), step.predict(grid))
    sharp4 = clone(step).set_params(sharpness=4.0).fit(X, y)
    np.testing.assert_allclose(disp.sharpness_lines_[4].get_ydata(), sharp4.predict(grid))
    np.testing.assert_allclose(disp.thresholds_, step.thresholds_)
    # a fitted step network is drawn as it is, without refitting
    drawn = StepFunctionDisplay.from_estimator(step, X)
    np.testing.assert_allclose(drawn.step_line_.get_ydata(), step.predict(grid))
    with pytest.raises(ValueError, match="refit='output' was given"):
        StepFunctionDisplay.from_estimator(step, X, y, refit="output")
    with pytest.raises(ValueError, match="sharpness must be"):
        StepFunctionDisplay.from_estimator(sine_reg, X, y, sharpness=(1, 0))
    with pytest.raises(ValueError, match="pass y"):
        StepFunctionDisplay.from_estimator(sine_reg, X)


def test_step_function_regions_in_two_dimensions(rings_clf, rings_data):
    X, y = rings_data
    disp = StepFunctionDisplay.from_estimator(rings_clf, X, y, grid_resolution=30)
    step = StepFunctionClassifier(FrozenEstimator(rings_clf)).fit(X, y)
    xx0, xx1 = disp.grid
    predicted = step.predict(np.column_stack([xx0.ravel(), xx1.ravel()]))
    np.testing.assert_array_equal(disp.step_fit.ravel(), predicted)  # classes 0/1
    assert disp.regions_ is not None and disp.fit_contours_ is not None
    assert len(disp.unit_lines_) == 3
    for line, w, b in zip(disp.unit_lines_, step.coefs_[0].T, step.intercepts_[0]):
        np.testing.assert_allclose(line.get_xydata() @ w + b, 0, atol=1e-8)
    with pytest.raises(ValueError, match="1-D inputs only"):
        StepFunctionDisplay.from_estimator(rings_clf, X, y, sharpness=(1, np.inf))


def test_step_function_tanh(sine_data):
    reg = SigmoidMLPRegressor((3,), activation="tanh", **FAST).fit(*sine_data)
    disp = StepFunctionDisplay.from_estimator(reg, *sine_data, refit="none")
    np.testing.assert_allclose(disp.step_line_.get_ydata(), reg.predict_step(_grid(disp)))
    assert disp.limit_line_ is None  # the plain limit is the step network


@pytest.mark.parametrize("activation", ["relu", "identity"])
def test_step_function_rejects_activation_without_step(sine_data, activation):
    reg = SigmoidMLPRegressor((2,), activation=activation, **FAST).fit(*sine_data)
    with pytest.raises(ValueError, match=f"step limit.*activation='{activation}'"):
        StepFunctionDisplay.from_estimator(reg, *sine_data)


def test_step_function_constructor_keeps_thresholds_in_range():
    grid = np.linspace(0, 1, 11)
    disp = StepFunctionDisplay(grid, grid, np.round(grid), [0.7, -1.0, 0.2, 3.0]).plot()
    np.testing.assert_array_equal(disp.thresholds_, [0.2, 0.7])
    assert disp.data_scatter_ is None


# -- DecisionLinesDisplay -----------------------------------------------------------


def test_decision_lines_lie_on_unit_boundaries(rings_clf, rings_data):
    X, y = rings_data
    disp = DecisionLinesDisplay.from_estimator(rings_clf, X, y, grid_resolution=40)
    W, b = rings_clf.coefs_[0], rings_clf.intercepts_[0]
    assert len(disp.lines_) == W.shape[1] == 3
    xlim, ylim = disp.ax_.get_xlim(), disp.ax_.get_ylim()
    for i, line in enumerate(disp.lines_):
        assert line.get_label() == f"unit {i}"
        points = line.get_xydata()
        np.testing.assert_allclose(points @ W[:, i] + b[i], 0, atol=1e-8)
        assert np.all((points[:, 0] >= xlim[0] - 1e-9) & (points[:, 0] <= xlim[1] + 1e-9))
        assert np.all((points[:, 1] >= ylim[0] - 1e-9) & (points[:, 1] <= ylim[1] + 1e-9))
    assert [len(s.get_offsets()) for s in disp.scatter_] == [60, 60]
    assert [s.get_label() for s in disp.scatter_] == ["class 0", "class 1"]
    assert disp.surface_ is not None


@pytest.mark.parametrize("n_classes", [2, 3])
def test_decision_lines_regions_are_scikit_learns(rings_data, n_classes, monkeypatch):
    """The regions are drawn by scikit-learn's DecisionBoundaryDisplay: one
    filled level per class, centred on the class index, in colours C0, C1, ..."""
    from matplotlib.colors import to_rgba
    from sklearn.inspection import DecisionBoundaryDisplay

    drawn = []
    plot = DecisionBoundaryDisplay.plot

    def spy(self, *args, **kwargs):
        drawn.append(plot(self, *args, **kwargs))
        return drawn[-1]

    monkeypatch.setattr(DecisionBoundaryDisplay, "plot", spy)
    X, y = rings_data
    y = y if n_classes == 2 else (X[:, 0] > 0).astype(int) + (X[:, 1] > 0.5)
    clf = SigmoidMLPClassifier((3,), **FAST).fit(X, y)
    disp = DecisionLinesDisplay.from_estimator(clf, X, y, grid_resolution=20)
    assert len(drawn) == 1 and drawn[0].surface_ is disp.surface_
    assert drawn[0].ax_ is disp.ax_ and drawn[0].n_classes == n_classes
    np.testing.assert_array_equal(disp.surface_.levels, np.arange(n_classes + 1) - 0.5)
    colors = disp.surface_.cmap(disp.surface_.norm(np.arange(n_classes)))
    np.testing.assert_allclose(colors[:, :3], [to_rgba(f"C{k}")[:3] for k in range(n_classes)])


def test_decision_lines_skip_unit_with_zero_weights(rings_clf, rings_data):
    clf = copy.deepcopy(rings_clf)
    clf.coefs_[0][:, 1] = 0.0
    disp = DecisionLinesDisplay.from_estimator(clf, *rings_data, grid_resolution=20)
    assert disp.lines_[1] is None and disp.lines_[0] is not None


def test_decision_lines_vertical_and_outside_lines():
    xx0, xx1 = np.meshgrid(np.linspace(-1, 1, 5), np.linspace(-2, 2, 5))
    weights = np.array([[1.0, 0.0, 1.0], [0.0, 1.0, 0.0]])
    disp = DecisionLinesDisplay(xx0, xx1, xx0 > 0, weights, np.array([-0.5, 1.0, 5.0])).plot()
    np.testing.assert_allclose(disp.lines_[0].get_xydata(), [[0.5, -2], [0.5, 2]])
    np.testing.assert_allclose(disp.lines_[1].get_xydata(), [[-1, -1], [1, -1]])
    assert disp.lines_[2] is None  # x = -5 is off the plot
    assert disp.scatter_ == []


def test_decision_lines_regressor(rings_data):
    X, y = rings_data
    reg = SigmoidMLPRegressor((2,), **FAST).fit(X, y)
    disp = DecisionLinesDisplay.from_estimator(reg, X, y, grid_resolution=20)
    assert len(disp.lines_) == 2 and len(disp.scatter_) == 1


# -- HiddenSpaceDisplay -------------------------------------------------------------


def test_hidden_space_scatter(rings_clf, rings_data):
    X, y = rings_data
    disp = HiddenSpaceDisplay.from_estimator(rings_clf, X, y, units=(2, 0, 1))
    assert disp.ax_.name == "3d"
    assert (disp.ax_.get_xlabel(), disp.ax_.get_ylabel(), disp.ax_.get_zlabel()) == (
        "unit 2", "unit 0", "unit 1")
    assert len(disp.scatter_) == 2
    assert sum(len(s._offsets3d[0]) for s in disp.scatter_) == len(X)
    H = rings_clf.hidden_activations(X)[0]
    drawn = np.column_stack(disp.scatter_[1]._offsets3d)
    np.testing.assert_allclose(drawn, H[y == 1][:, [2, 0, 1]])


def test_hidden_space_regressor_coloured_by_y(sine_data):
    reg = SigmoidMLPRegressor((3,), **FAST).fit(*sine_data)
    disp = HiddenSpaceDisplay.from_estimator(reg, *sine_data)
    assert len(disp.scatter_) == 1 and disp.colorbar_ is not None
    assert len(disp.scatter_[0]._offsets3d[0]) == 80


@pytest.mark.parametrize("units", [(0, 1), (0, 0, 1), (0, 1, 3), (0, 1, -1), (0, 1, 2.0),
                                   (True, 1, 2)])
def test_hidden_space_rejects_bad_units(rings_clf, rings_data, units):
    with pytest.raises(ValueError, match=r"units must be 3 distinct ints in \[0, 2\]"):
        HiddenSpaceDisplay.from_estimator(rings_clf, *rings_data, units=units)


def test_hidden_space_rejects_small_layer_and_2d_axes(rings_clf, rings_data, sine_reg,
                                                      sine_data):
    small = SigmoidMLPRegressor((2,), **FAST).fit(*sine_data)
    with pytest.raises(ValueError, match="at least 3 units; layer 0 has 2"):
        HiddenSpaceDisplay.from_estimator(small, sine_data[0])
    _, ax = plt.subplots()
    with pytest.raises(ValueError, match="projection='3d'"):
        HiddenSpaceDisplay.from_estimator(rings_clf, *rings_data, ax=ax)
    with pytest.raises(ValueError, match="projection='3d'"):
        HiddenSpaceDisplay(np.zeros((4, 3))).plot(ax=ax)


# -- LossCurveDisplay and RestartsDisplay ---------------------------------------------


def test_loss_curves(sine_reg):
    disp = LossCurveDisplay.from_estimator(sine_reg)
    assert len(disp.lines_) == sine_reg.n_restarts == len(sine_reg.restart_loss_curves_)
    assert disp.best_line_ is disp.lines_[sine_reg.best_restart_]
    np.testing.assert_allclose(disp.best_line_.get_ydata(), sine_reg.loss_curve_)
    for line, curve in zip(disp.lines_, sine_reg.restart_loss_curves_):
        np.testing.assert_allclose(line.get_ydata(), curve)
    assert disp.best_line_.get_linewidth() > disp.lines_[sine_reg.best_restart_ - 1].get_linewidth()
    assert disp.validation_lines_ is None and disp.ax_validation_ is None
    assert (disp.ax_.get_xlabel(), disp.ax_.get_ylabel()) == ("iteration", "loss")
    assert disp.best_line_.get_label() == f"loss, kept restart {sine_reg.best_restart_}"


def test_loss_curves_with_validation_scores(sine_data):
    reg = SigmoidMLPRegressor((3,), solver="adam", max_iter=15, n_restarts=3,
                              early_stopping=True, random_state=0, device="cpu")
    reg.fit(*sine_data)
    disp = LossCurveDisplay.from_estimator(reg, yscale="linear")
    assert len(disp.validation_lines_) == 3
    assert all(line.axes is disp.ax_validation_ for line in disp.validation_lines_)
    np.testing.assert_allclose(disp.validation_lines_[reg.best_restart_].get_ydata(),
                               reg.validation_scores_)
    assert disp.ax_.get_yscale() == "linear"


def test_restarts_markers_sorted(sine_reg):
    disp = RestartsDisplay.from_estimator(sine_reg)
    losses = sine_reg.restart_losses_
    np.testing.assert_allclose(disp.sorted_losses_, np.sort(losses))
    np.testing.assert_allclose(disp.markers_.get_ydata(), np.sort(losses))
    assert np.all(np.diff(disp.markers_.get_ydata()) >= 0)
    np.testing.assert_array_equal(disp.markers_.get_xdata(), np.arange(1, len(losses) + 1))
    assert disp.best_marker_.get_ydata()[0] == losses[sine_reg.best_restart_]


def test_restarts_marks_kept_restart_at_its_rank():
    disp = RestartsDisplay([0.5, 0.2, 0.9], best_restart=2).plot()
    assert disp.best_marker_.get_xydata().tolist() == [[3.0, 0.9]]


# -- shared behaviour -----------------------------------------------------------------


def _draw(Display, sine_reg, sine_data, rings_clf, rings_data, **kwargs):
    """Draw ``Display`` from a fitted estimator: a new display needs a recipe here."""
    recipes = {
        HiddenUnitsDisplay: lambda: (sine_reg, *sine_data),
        StepFunctionDisplay: lambda: (sine_reg, *sine_data),
        DecisionLinesDisplay: lambda: (rings_clf, *rings_data),
        HiddenSpaceDisplay: lambda: (rings_clf, *rings_data),
        LossCurveDisplay: lambda: (sine_reg,),
        RestartsDisplay: lambda: (sine_reg,),
    }
    assert Display in recipes, f"add a recipe for {Display.__name__} to _draw"
    if "grid_resolution" in inspect.signature(Display.from_estimator).parameters:
        kwargs.setdefault("grid_resolution", 20)
    return Display.from_estimator(*recipes[Display](), **kwargs)


def _is_3d(Display):
    """Whether the display draws into 3-D axes (its docs ask for projection="3d")."""
    return 'projection="3d"' in Display.from_estimator.__doc__


@pytest.mark.parametrize("Display", DISPLAYS)
def test_draws_into_given_axes(Display, sine_reg, sine_data, rings_clf, rings_data):
    fig = plt.figure()
    ax = fig.add_subplot(projection="3d" if _is_3d(Display) else None)
    n_figures = len(plt.get_fignums())
    disp = _draw(Display, sine_reg, sine_data, rings_clf, rings_data, ax=ax)
    assert disp.ax_ is ax and disp.figure_ is fig
    assert len(plt.get_fignums()) == n_figures


@pytest.mark.parametrize("Display", DISPLAYS)
def test_new_figure_without_axes(Display, sine_reg, sine_data, rings_clf, rings_data):
    disp = _draw(Display, sine_reg, sine_data, rings_clf, rings_data)
    assert disp.figure_ is disp.ax_.figure and len(plt.get_fignums()) == 1


@pytest.mark.parametrize("Display", DISPLAYS)
def test_unfitted_estimator(Display, rings_data):
    takes_data = "X" in inspect.signature(Display.from_estimator).parameters
    with pytest.raises(NotFittedError):
        if takes_data:
            Display.from_estimator(SigmoidMLPClassifier(), *rings_data)
        else:
            Display.from_estimator(SigmoidMLPRegressor())


def test_rejects_other_estimators(sine_data):
    lin = LinearRegression().fit(*sine_data)
    with pytest.raises(ValueError, match="expects a SigmoidMLPRegressor or SigmoidMLPClassifier"):
        HiddenUnitsDisplay.from_estimator(lin, *sine_data)


@pytest.mark.parametrize("Display", [HiddenUnitsDisplay, StepFunctionDisplay])
def test_1d_displays_reject_2d_input(Display, rings_clf, rings_data, sine_reg):
    with pytest.raises(ValueError, match=r"exactly 1 feature column.*got X of shape \(120, 2\)"):
        Display.from_estimator(sine_reg, *rings_data)
    if Display is StepFunctionDisplay:  # draws 2-D networks too
        with pytest.raises(ValueError, match=r"exactly 2 feature column.*\(120, 1\)"):
            Display.from_estimator(rings_clf, rings_data[0][:, :1], rings_data[1])
    else:
        with pytest.raises(ValueError, match="fitted on 1 feature"):
            Display.from_estimator(rings_clf, rings_data[0][:, :1])


def test_decision_lines_reject_1d_input(sine_reg, sine_data):
    with pytest.raises(ValueError, match=r"exactly 2 feature column.*\(80, 1\)"):
        DecisionLinesDisplay.from_estimator(sine_reg, *sine_data)


def test_inconsistent_y(sine_reg, sine_data):
    with pytest.raises(ValueError, match="inconsistent numbers of samples"):
        HiddenUnitsDisplay.from_estimator(sine_reg, sine_data[0], sine_data[1][:10])


@pytest.mark.parametrize("layer", [1, -1, 0.0, True, "0"])
def test_layer_out_of_range(layer, sine_reg, sine_data, rings_clf, rings_data):
    with pytest.raises(ValueError, match=r"layer must be an int in \[0, 0\]"):
        HiddenUnitsDisplay.from_estimator(sine_reg, *sine_data, layer=layer)
    with pytest.raises(ValueError, match=r"layer must be an int in \[0, 0\]"):
        HiddenSpaceDisplay.from_estimator(rings_clf, *rings_data, layer=layer)


def test_plot_redraws_from_stored_arrays(sine_reg, sine_data):
    disp = HiddenUnitsDisplay.from_estimator(sine_reg, *sine_data)
    first = disp.ax_
    disp.plot()
    assert disp.ax_ is not first and len(disp.lines_) == 4


def test_import_skorchlite_does_not_import_matplotlib():
    code = "import skorchlite, sys; assert 'matplotlib' not in sys.modules"
    subprocess.run([sys.executable, "-c", code], check=True)


def _documented_parameters(doc):
    """The names of a numpydoc Parameters section."""
    section = re.search(r"\n( *)Parameters\n\1-+\n(.*?)(\n\1[A-Z][A-Za-z ]+\n\1-+\n|\Z)",
                        doc, re.S)
    assert section, "no Parameters section"
    return re.findall(rf"^{section.group(1)}\**(\w+) :", section.group(2), re.M)


@pytest.mark.parametrize("Display", DISPLAYS)
@pytest.mark.parametrize("method", ["__init__", "from_estimator", "plot"])
def test_docstrings_match_signatures(Display, method):
    func = getattr(Display, method)
    doc = Display.__doc__ if method == "__init__" else func.__doc__
    names = [p for p in inspect.signature(func).parameters if p not in ("self", "cls")]
    assert _documented_parameters("\n" + inspect.cleandoc(doc)) == names
    assert "Examples\n--------" in inspect.cleandoc(doc)


# -- every display: Pipelines, the user's units, matplotlib keywords, layout -----------


@pytest.fixture(scope="module")
def user_units_1d():
    """1-D data away from standardised units: x in [2, 8]."""
    X = np.linspace(2, 8, 60).reshape(-1, 1)
    return X, np.sin(X).ravel()


@pytest.fixture(scope="module")
def user_units_2d():
    """The rings, shifted and stretched: x0 around 50, x1 around -20."""
    X, y = make_rings(60, random_state=0)
    return X * [10.0, 3.0] + [50.0, -20.0], y


def _fit(kind, wrap, data):
    if kind == "1d":
        est = SigmoidMLPRegressor((4,), solver="adam", learning_rate_init=0.05, max_iter=60,
                                  n_restarts=2, random_state=0, device="cpu")
    else:
        est = SigmoidMLPClassifier((3,), n_restarts=2, **FAST)
    if wrap == "pipeline":
        est = make_pipeline(StandardScaler(), est)
    elif wrap == "curved":  # not affine
        est = make_pipeline(StandardScaler(), FunctionTransformer(np.sinh), est)
    return est.fit(*data)


def _mlp_input(est, rows):
    """What the network sees for ``rows`` in the user's units."""
    return est[:-1].transform(rows) if hasattr(est, "steps") else rows


def _preactivations(est, rows):
    mlp = est[-1] if hasattr(est, "steps") else est
    return _mlp_input(est, rows) @ mlp.coefs_[0] + mlp.intercepts_[0]


# Per display: the data it needs, how it is called, a keyword to pass to matplotlib
# and the artists that must receive it, and a check that it drew in the user's units.

def _check_hidden_units(disp, est, X, y):
    grid = disp.lines_[0].get_xdata()
    assert grid.min() == X.min() and grid.max() == X.max()  # x axis in the user's units
    mlp = est[-1] if hasattr(est, "steps") else est
    activations = mlp.hidden_activations(_mlp_input(est, grid.reshape(-1, 1)))[0]
    for i, line in enumerate(disp.lines_):
        np.testing.assert_allclose(line.get_ydata(), activations[:, i])
    np.testing.assert_allclose(disp.fit_line_.get_ydata(), est.predict(grid.reshape(-1, 1)))


def _check_step(disp, est, X, y):
    grid = disp.step_line_.get_xdata()
    assert grid.min() == X.min() and grid.max() == X.max()
    np.testing.assert_allclose(disp.fit_line_.get_ydata(), est.predict(grid.reshape(-1, 1)))
    # every drawn threshold is where a first-layer unit switches, in the user's units
    assert len(disp.thresholds_) > 0
    for t in disp.thresholds_:
        z = _preactivations(est, np.array([[t - 0.01], [t + 0.01]]))
        assert np.any(np.signbit(z[0]) != np.signbit(z[1]))


def _check_decision(disp, est, X, y):
    assert disp.ax_.get_xlim()[0] < X[:, 0].min() and disp.ax_.get_xlim()[1] > X[:, 0].max()
    assert disp.ax_.get_ylim()[0] < X[:, 1].min() and disp.ax_.get_ylim()[1] > X[:, 1].max()
    drawn = [(i, line) for i, line in enumerate(disp.lines_) if line is not None]
    assert drawn
    for i, line in drawn:
        points = line.get_xydata()
        points = points[~np.isnan(points).any(axis=1)]
        z = _preactivations(est, points)[:, i]
        # the points of unit i's line are where its pre-activation is 0
        assert np.abs(z).max() < 0.05 * np.abs(_preactivations(est, X)[:, i]).max()


def _check_hidden_space(disp, est, X, y):
    mlp = est[-1] if hasattr(est, "steps") else est
    codes = mlp.hidden_activations(_mlp_input(est, X))[0]
    drawn = np.vstack([np.column_stack(s._offsets3d) for s in disp.scatter_])
    expected = np.vstack([codes[y == c] for c in mlp.classes_])
    np.testing.assert_allclose(drawn, expected)


def _check_loss(disp, est, X, y):
    mlp = est[-1] if hasattr(est, "steps") else est
    assert disp.ax_.get_xlabel() == ("iteration" if mlp.solver == "lbfgs" else "epoch")
    for line, curve in zip(disp.lines_, mlp.restart_loss_curves_):
        np.testing.assert_allclose(line.get_ydata(), curve)


def _check_restarts(disp, est, X, y):
    mlp = est[-1] if hasattr(est, "steps") else est
    np.testing.assert_allclose(disp.markers_.get_ydata(), np.sort(mlp.restart_losses_))
    assert disp.ax_.get_ylim()[0] == 0  # distinct minima seen at their true size


CASES = {
    "HiddenUnitsDisplay": ("1d", {"linestyle": ":"}, lambda d: d.lines_, _check_hidden_units),
    "StepFunctionDisplay": ("1d", {"color": "purple"}, lambda d: [d.step_line_], _check_step),
    "DecisionLinesDisplay": ("2d", {"linestyle": ":"},
                             lambda d: [line for line in d.lines_ if line is not None],
                             _check_decision),
    "HiddenSpaceDisplay": ("2d", {"alpha": 0.3}, lambda d: d.scatter_, _check_hidden_space),
    "LossCurveDisplay": ("1d", {"color": "purple"}, lambda d: d.lines_, _check_loss),
    "RestartsDisplay": ("1d", {"color": "purple"}, lambda d: [d.markers_], _check_restarts),
}


def _call(Display, est, X, y, **kwargs):
    if Display in (LossCurveDisplay, RestartsDisplay):
        return Display.from_estimator(est, **kwargs)
    return Display.from_estimator(est, X, y, **kwargs)


def _received(artist, key, value):
    if key == "alpha":
        return artist.get_alpha() == value
    if key == "linestyle":
        return artist.get_linestyle() == value
    return matplotlib.colors.same_color(
        artist.get_color() if hasattr(artist, "get_color") else artist.get_facecolor(), value)


def test_every_display_has_a_case():
    assert sorted(CASES) == sorted(D.__name__ for D in DISPLAYS)


@pytest.mark.parametrize("wrap", ["estimator", "pipeline"])
@pytest.mark.parametrize("Display", DISPLAYS, ids=lambda D: D.__name__)
def test_display_draws_in_user_units_with_kwargs(Display, wrap, user_units_1d, user_units_2d):
    kind, kwargs, artists, check = CASES[Display.__name__]
    X, y = user_units_1d if kind == "1d" else user_units_2d
    est = _fit(kind, wrap, (X, y))
    disp = _call(Display, est, X, y, **kwargs)
    check(disp, est, X, y)
    drawn = artists(disp)
    assert drawn
    (key, value), = kwargs.items()
    assert all(_received(artist, key, value) for artist in drawn), f"{key} not passed on"


def _outside_figure(fig):
    """The texts of axis labels and titles that a plain savefig cuts off."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")  # at the figure's dpi: the positions below are those saved
    renderer = fig.canvas.get_renderer()
    cut = []
    for ax in fig.axes:
        texts = [ax.xaxis.label, ax.yaxis.label, ax.title]
        texts += [ax.zaxis.label] if hasattr(ax, "zaxis") else []
        for text in texts:
            if not text.get_text():
                continue
            box = text.get_window_extent(renderer)
            if (box.x0 < -1 or box.y0 < -1 or box.x1 > fig.bbox.x1 + 1
                    or box.y1 > fig.bbox.y1 + 1):
                cut.append(text.get_text())
    return cut


@pytest.mark.parametrize("wrap", ["estimator", "pipeline"])
@pytest.mark.parametrize("Display", DISPLAYS, ids=lambda D: D.__name__)
def test_saved_figure_keeps_labels(Display, wrap, user_units_1d, user_units_2d):
    kind = CASES[Display.__name__][0]
    X, y = user_units_1d if kind == "1d" else user_units_2d
    disp = _call(Display, _fit(kind, wrap, (X, y)), X, y)
    assert disp.figure_.get_layout_engine() is not None
    assert _outside_figure(disp.figure_) == []


def test_hidden_units_scaled_twin_axis_keeps_data_readable(user_units_1d):
    X, y = user_units_1d
    est = _fit("1d", "pipeline", (X, y))
    disp = HiddenUnitsDisplay.from_estimator(est, X, y, scaled=True)
    assert disp.ax_units_ is not disp.ax_
    # the left axis is scaled to the data and the fit, not to the (larger) units
    low, high = disp.ax_.get_ylim()
    assert high - low < 2 * (np.ptp(y) + 0.5)
    assert _outside_figure(disp.figure_) == []


@pytest.mark.parametrize("Display", [StepFunctionDisplay, DecisionLinesDisplay],
                         ids=lambda D: D.__name__)
def test_affine_steps_map_units_back_exactly(Display, user_units_1d, user_units_2d):
    """StandardScaler is affine: thresholds are -b/w of the equivalent unit in the
    user's units, and each line is a straight segment (two points)."""
    kind = CASES[Display.__name__][0]
    X, y = user_units_1d if kind == "1d" else user_units_2d
    est = _fit(kind, "pipeline", (X, y))
    scaler, mlp = est[0], est[-1]
    W = mlp.coefs_[0] / scaler.scale_[:, None]
    b = mlp.intercepts_[0] - (scaler.mean_ / scaler.scale_) @ mlp.coefs_[0]
    disp = Display.from_estimator(est, X, y)
    if Display is StepFunctionDisplay:
        expected = np.sort(-b / W[0])
        expected = expected[(expected >= X.min()) & (expected <= X.max())]
        np.testing.assert_allclose(disp.thresholds_, expected)
    else:
        np.testing.assert_allclose(disp.weights, W)
        np.testing.assert_allclose(disp.biases, b)
        for line in disp.lines_:
            assert line is None or len(line.get_xdata()) == 2


@pytest.mark.parametrize("Display", [StepFunctionDisplay, DecisionLinesDisplay],
                         ids=lambda D: D.__name__)
def test_curved_steps_draw_where_units_switch(Display, user_units_1d, user_units_2d):
    """A non-affine earlier step (sinh): the units switch along curves, found on
    the grid; every drawn point is (nearly) where a unit switches."""
    kind, kwargs, artists, check = CASES[Display.__name__]
    X, y = user_units_1d if kind == "1d" else user_units_2d
    est = _fit(kind, "curved", (X, y))
    disp = Display.from_estimator(est, X, y, **kwargs)
    check(disp, est, X, y)
    if Display is DecisionLinesDisplay:
        assert disp.weights is None and disp.preactivations is not None
        assert any(line is not None and len(line.get_xdata()) > 2 for line in disp.lines_)


@pytest.mark.parametrize("Display", DISPLAYS, ids=lambda D: D.__name__)
def test_pipeline_without_skorchlite_last_step_is_refused(Display, sine_data):
    est = make_pipeline(StandardScaler(), LinearRegression()).fit(*sine_data)
    with pytest.raises(ValueError, match="a Pipeline ending in LinearRegression"):
        _call(Display, est, *sine_data)


def test_hidden_space_small_panels_keep_axis_labels():
    """Ten 3-D panels in one figure (as in the rings example): every axis label,
    z included, stays inside the saved figure."""
    from itertools import combinations

    codes = np.random.RandomState(0).rand(50, 3)
    fig = plt.figure(figsize=(15, 6.5), layout="constrained")
    for i, units in enumerate(combinations(range(5), 3)):
        HiddenSpaceDisplay(codes, y=np.arange(50) % 2, classes=[0, 1], units=units).plot(
            ax=fig.add_subplot(2, 5, i + 1, projection="3d"))
    assert _outside_figure(fig) == []


def test_step_function_pipeline_ending_in_a_step_network(sine_data, rings_data):
    X, y = sine_data
    pipe = make_pipeline(StandardScaler(), StepFunctionRegressor(
        SigmoidMLPRegressor((4,), **FAST), refit="thresholds")).fit(X, y)
    disp = StepFunctionDisplay.from_estimator(pipe, X, y, color="purple")
    grid = _grid(disp)
    np.testing.assert_allclose(disp.step_line_.get_ydata(), pipe.predict(grid))
    scaler, step = pipe[0], pipe[-1]
    # the moved thresholds, in the user's units
    expected = step.thresholds_ * scaler.scale_[0] + scaler.mean_[0]
    np.testing.assert_allclose(disp.thresholds_, expected)
    assert matplotlib.colors.same_color(disp.step_line_.get_color(), "purple")
    # 2-D, through a non-affine step: the units' switching curves
    Xr, yr = rings_data
    curved = make_pipeline(FunctionTransformer(np.sinh), SigmoidMLPClassifier((3,), **FAST))
    disp = StepFunctionDisplay.from_estimator(curved.fit(Xr, yr), Xr, yr, grid_resolution=40)
    assert disp.preactivations is not None and disp.regions_ is not None
