"""Shared fixtures: a small sample workbook written once per session."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import settings

import pmo_xl.options
from pmo_xl.sample import Sample, generate_sample, write_sample_workbook

# A stage that crashes must fail the tests, not become an internal-error issue: every run given
# no options is strict here. A test of the crash guard passes RunOptions(strict=False) itself.
pmo_xl.options.DEFAULT_OPTIONS = pmo_xl.options.RunOptions(strict=True)

# No per-example time limit for property tests: on a shared machine an example can take 300 ms
# once and 70 ms the next time, and Hypothesis reports that as a (flaky) failure. Speed is
# measured by benchmarks/, never by a test.
settings.register_profile("no-deadline", deadline=None)
settings.load_profile("no-deadline")


@pytest.fixture(scope="session")
def sample() -> Sample:
    return generate_sample()


@pytest.fixture(scope="session")
def sample_workbook(tmp_path_factory: pytest.TempPathFactory, sample: Sample) -> Path:
    path = tmp_path_factory.mktemp("sample") / "PMO-sample.xlsx"
    write_sample_workbook(path, sample)
    return path


@pytest.fixture(scope="module")
def sample_model(sample_workbook: Path):  # type: ignore[no-untyped-def]
    """The sample's report model, built once per test module (the report writers' tests write it many ways)."""
    from pmo_xl.pipeline import run_portfolio
    from pmo_xl.report.model import build_report_model
    from pmo_xl.usecases import load_portfolio

    return build_report_model(run_portfolio(load_portfolio(sample_workbook)))
