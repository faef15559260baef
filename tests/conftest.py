"""Shared fixtures: a small sample workbook written once per session."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from pmo_xl.io.write_template import write_portfolio_workbook
from pmo_xl.sample import Sample, generate_sample

# A check that crashes must fail the tests, not become an internal-error issue.
os.environ.setdefault("PMO_XL_STRICT", "1")


@pytest.fixture(scope="session")
def sample() -> Sample:
    return generate_sample()


@pytest.fixture(scope="session")
def sample_workbook(tmp_path_factory: pytest.TempPathFactory, sample: Sample) -> Path:
    path = tmp_path_factory.mktemp("sample") / "PMO-sample.xlsx"
    write_portfolio_workbook(path, sample.data, sample.settings)
    return path
