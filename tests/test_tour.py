"""``python -m skorchlite``: the tour runs, prints its table and writes its figures."""

import subprocess
import sys

import pytest

from skorchlite.__main__ import main

FIGURES = {"hidden_units.png", "hidden_units_scaled.png", "step_function.png",
           "decision_lines.png", "hidden_space.png", "step_regions.png", "restarts.png",
           "loss_curves.png"}


def test_tour_prints_table_and_writes_figures(tmp_path, capsys):
    pytest.importorskip("matplotlib")
    main(["--out", str(tmp_path / "figs"), "--device", "cpu"])
    out = capsys.readouterr().out
    assert out.startswith("| problem | estimator | solver |")
    assert out.count("| SigmoidMLP") == 7
    assert {p.name for p in (tmp_path / "figs").glob("*.png")} == FIGURES
    assert all((tmp_path / "figs" / name).stat().st_size > 10_000 for name in FIGURES)
    # every sigmoid problem: the refitted step network fits (R^2 or accuracy
    # above zero) where the plain limit mostly does not
    header = [c.strip() for c in out.splitlines()[0].strip("|").split("|")]
    rows = [[c.strip() for c in line.strip("|").split("|")]
            for line in out.splitlines()[2:9]]
    limit, refit = header.index("step (limit)"), header.index("step (refit)")
    sigmoid = [row for row in rows if row[refit] != "-"]
    assert len(sigmoid) == 6
    assert all(float(row[refit]) > 0 for row in sigmoid), rows
    assert all(float(row[refit]) >= float(row[limit]) for row in sigmoid), rows
    assert sum(float(row[limit]) < 0 for row in sigmoid) >= 4, rows


def test_tour_help():
    result = subprocess.run([sys.executable, "-m", "skorchlite", "--help"],
                            capture_output=True, text=True, check=True)
    assert "--out" in result.stdout and "--device" in result.stdout


def test_tour_rejects_an_absent_device(tmp_path):
    import torch

    if torch.cuda.is_available():
        pytest.skip("this machine has CUDA")
    with pytest.raises(SystemExit) as exit_info:
        main(["--no-figures", "--device", "cuda"])
    assert exit_info.value.code == 2
