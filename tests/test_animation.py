"""TrainingAnimation: the fit over training from Snapshots (Agg backend)."""

import re
import warnings

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from PIL import Image  # noqa: E402
from sklearn.exceptions import ConvergenceWarning  # noqa: E402

from skorchlite import SigmoidMLPClassifier, SigmoidMLPRegressor  # noqa: E402
from skorchlite.callbacks import Snapshots  # noqa: E402
from skorchlite.plotting import TrainingAnimation  # noqa: E402

pytest.importorskip("sklearn.callback")

rng = np.random.RandomState(0)
X1 = np.linspace(-2, 2, 30).reshape(-1, 1)
y1 = np.sin(2 * X1.ravel())
X2 = rng.uniform(-1, 1, (40, 2))
y2 = np.digitize(X2[:, 0] + X2[:, 1], [-0.5, 0.5])


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def record(est, X, y, every=1):
    snapshots = Snapshots(every=every)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        est.set_callbacks(snapshots).fit(X, y)
    return snapshots


def test_one_feature_frames_follow_the_snapshots():
    reg = SigmoidMLPRegressor((3,), solver="lbfgs", max_iter=8, n_restarts=2, random_state=0)
    snapshots = record(reg, X1, y1)
    anim = TrainingAnimation.from_snapshots(snapshots, X1, y1, restart=1, grid_resolution=25)
    n_frames = len(snapshots.epochs_[1])
    assert anim.responses.shape == (n_frames, 25)
    assert anim.units.shape == (n_frames, 25, 3)
    assert len(anim.unit_lines_) == 3
    grid = anim.grid[0].reshape(-1, 1)
    # each frame draws the network of its snapshot
    for frame in (0, n_frames - 1):
        anim._draw(frame)
        expected = snapshots.estimator_at(frame, restart=1).predict(grid)
        np.testing.assert_allclose(anim.fit_line_.get_ydata(), expected)
        assert anim.title_.get_text() == f"iteration {snapshots.epochs_[1][frame]}"
    # the fitted network (restart 1 of the estimator) is the last frame
    np.testing.assert_array_equal(
        anim.units[-1], SigmoidMLPRegressor.hidden_activations(
            snapshots.estimator_at(-1, restart=1), grid)[0])
    assert anim.ax_loss_.get_xlabel() == "iteration"


def test_two_features_regions_and_lines():
    clf = SigmoidMLPClassifier((4,), solver="adam", learning_rate_init=0.05, max_iter=12,
                               random_state=0)
    snapshots = record(clf, X2, y2, every=4)
    anim = TrainingAnimation.from_snapshots(snapshots, X2, y2, grid_resolution=20)
    np.testing.assert_array_equal(anim.epochs, [0, 4, 8, 12])
    assert anim.responses.shape == (4, 20, 20)
    assert set(np.unique(anim.responses)) <= {0, 1, 2}
    assert len(anim.lines_) == 4
    anim._draw(0)
    first = anim.mesh_.get_array().copy()
    anim._draw(3)
    last = anim.mesh_.get_array()
    assert not np.array_equal(first, last)  # the regions move
    # the last frame's regions are the fitted classifier's predictions
    rows = np.column_stack([g.ravel() for g in anim.grid])
    np.testing.assert_array_equal(np.ravel(last), np.searchsorted(clf.classes_,
                                                                   clf.predict(rows)))
    drawn = [line for line in anim.lines_ if len(line.get_xdata())]
    assert drawn  # some first-layer lines cross the plot
    assert anim.ax_loss_.get_xlabel() == "epoch"


def test_frames_drawn_and_gif_written(tmp_path):
    reg = SigmoidMLPRegressor((2,), solver="lbfgs", max_iter=4, random_state=0)
    snapshots = record(reg, X1, y1, every=2)
    anim = TrainingAnimation.from_snapshots(snapshots, X1, y1, grid_resolution=10)
    drawn = []
    original = anim._draw
    anim.animation_._func = lambda frame, *args: drawn.append(frame) or original(frame)
    path = tmp_path / "fit.gif"
    assert anim.save(path, dpi=30) is anim
    n_frames = len(snapshots.epochs_[0])
    assert n_frames == 3  # epochs 0, 2 and 4
    assert drawn[-n_frames:] == list(range(n_frames))  # (after matplotlib's first draw)
    with Image.open(path) as gif:
        assert gif.format == "GIF"
        assert gif.n_frames == n_frames
    assert anim.animation_.to_jshtml().startswith("\n<link")


def test_no_hidden_layer():
    reg = SigmoidMLPRegressor((), solver="lbfgs", max_iter=5, random_state=0)
    snapshots = record(reg, X1, 2 * X1.ravel())
    anim = TrainingAnimation.from_snapshots(snapshots, X1, 2 * X1.ravel())
    assert anim.units is None and anim.unit_lines_ == []


def test_bad_input():
    with pytest.raises(ValueError, match="expects a skorchlite.callbacks.Snapshots"):
        TrainingAnimation.from_snapshots(object(), X1, y1)
    with pytest.raises(ValueError, match="have recorded no fit"):
        TrainingAnimation.from_snapshots(Snapshots(), X1, y1)
    snapshots = record(SigmoidMLPRegressor((2,), solver="lbfgs", max_iter=2,
                                           random_state=0), X1, y1)
    with pytest.raises(ValueError, match=re.escape("restart must be an int in [0, 0]")):
        TrainingAnimation.from_snapshots(snapshots, X1, y1, restart=1)
    with pytest.raises(ValueError, match=re.escape("X has shape (40, 2)")):
        TrainingAnimation.from_snapshots(snapshots, X2, y1)
    wide = record(SigmoidMLPRegressor((2,), solver="lbfgs", max_iter=2, random_state=0),
                  np.hstack([X2, X2]), y2)
    with pytest.raises(ValueError, match="networks of 1 or 2 input features"):
        TrainingAnimation.from_snapshots(wide, np.hstack([X2, X2]), y2)


def test_docstring_matches_what_it_has():
    import inspect

    doc = TrainingAnimation.__doc__

    def documented(section):
        match = re.search(rf"\n( *){section}\n\1-+\n(.*?)(\n\1[A-Z][A-Za-z ]+\n\1-+\n|\Z)",
                          doc, re.S)
        return re.findall(rf"^{match.group(1)}(\w+) :", match.group(2), re.M)

    signature = [p for p in inspect.signature(TrainingAnimation.__init__).parameters
                 if p != "self"]
    assert documented("Parameters") == signature
    snapshots = record(SigmoidMLPRegressor((2,), solver="lbfgs", max_iter=3,
                                           random_state=0), X1, y1)
    anim = TrainingAnimation.from_snapshots(snapshots, X1, y1, grid_resolution=10)
    assert all(hasattr(anim, name) for name in documented("Attributes"))
