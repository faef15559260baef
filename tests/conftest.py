"""Shared fixtures: a small sample workbook written once per session."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from pmo_xl.sample import Sample, generate_sample, write_sample_workbook

# A check that crashes must fail the tests, not become an internal-error issue.
os.environ.setdefault("PMO_XL_STRICT", "1")


@pytest.fixture(scope="session")
def sample() -> Sample:
    return generate_sample()


@pytest.fixture(scope="session")
def sample_workbook(tmp_path_factory: pytest.TempPathFactory, sample: Sample) -> Path:
    path = tmp_path_factory.mktemp("sample") / "PMO-sample.xlsx"
    write_sample_workbook(path, sample)
    return path
