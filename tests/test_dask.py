"""Scale-out: a grid search over skorchlite estimators on a Dask cluster."""

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.model_selection import GridSearchCV

from skorchlite import SigmoidMLPClassifier
from skorchlite.datasets import make_rings

distributed = pytest.importorskip("distributed")


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
@pytest.mark.filterwarnings("ignore::DeprecationWarning")
@pytest.mark.filterwarnings("ignore:.*[Pp]ort.*:UserWarning")
def test_grid_search_on_a_local_dask_cluster():
    import joblib

    X, y = make_rings(150, noise=0.3, random_state=0)
    search = GridSearchCV(
        SigmoidMLPClassifier(solver="lbfgs", max_iter=100, random_state=0, device="cpu"),
        {"hidden_layer_sizes": [(1,), (2,), (3,)], "n_restarts": [1, 3]}, cv=3)
    local = clone(search).fit(X, y)
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as cluster, \
            distributed.Client(cluster) as client:
        with joblib.parallel_backend("dask"):
            remote = clone(search).fit(X, y)
        workers = client.scheduler_info()["workers"]
        assert len(workers) == 2
    assert remote.best_params_ == local.best_params_
    np.testing.assert_allclose(remote.cv_results_["mean_test_score"],
                               local.cv_results_["mean_test_score"])
    np.testing.assert_array_equal(remote.predict(X), local.predict(X))
