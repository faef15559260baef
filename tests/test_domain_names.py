"""Where the domain has names, the code has them too: enums that refuse a misspelling.

A free string let an undeclared report column kind ("band") fall through to plain text and let
a typo in a Settings comparison pass silently; an enum makes both an error where they are written.
"""

from __future__ import annotations

import numpy as np
import pytest
from test_validation_settings import run, settings

from pmo_xl.compute.selection.solver import MilpOutcome, MilpStatus
from pmo_xl.report.sheets.common import NUMERIC, CellKind, Col
from pmo_xl.schema.settings import EAC_METHODS, EacMethod, LoadingGrain, SelectionObjective, WeightSource


def test_a_report_column_kind_is_a_cell_kind_and_a_misspelt_one_is_refused():
    assert Col("band", "Band", "band").kind is CellKind.BAND
    assert Col("bac", "BAC", "money").kind in NUMERIC
    assert Col("band", "Band", "band").kind not in NUMERIC
    with pytest.raises(ValueError, match="bnad"):
        Col("band", "Band", "bnad")


def test_settings_choices_are_parsed_into_their_enums():
    portfolio = run(s=settings(("Default EAC method", "cpi_spi"), ("Loading period", "Week"),
                               ("Criteria weights from", "Typed weights"), ("Selection objective", "Score × budget")))
    s = portfolio.settings
    assert (s.eac_method, s.loading_grain, s.weights_from, s.selection_objective) == (
        EacMethod.CPI_SPI, LoadingGrain.WEEK, WeightSource.TYPED, SelectionObjective.SCORE_TIMES_BUDGET)
    assert all(type(v) is not str for v in (s.eac_method, s.loading_grain, s.weights_from, s.selection_objective))
    # The drop-downs keep their texts: the enum members are the allowed strings.
    assert ",".join(EAC_METHODS) == "cpi,atypical,cpi_spi,weighted,bottom_up"


def test_a_highs_run_is_a_typed_outcome():
    from scipy.optimize import Bounds, LinearConstraint, milp

    # max 3a + 2b with a + b <= 1: take a.
    found = MilpOutcome.of(milp(np.array([-3.0, -2.0]), integrality=np.ones(2), bounds=Bounds(0, 1),
                                constraints=[LinearConstraint(np.ones((1, 2)), -np.inf, 1.0)]))
    assert found.status is MilpStatus.OPTIMAL and found.optimal and not found.infeasible
    assert found.fun == -3.0 and list(np.round(found.x)) == [1.0, 0.0]
    none = MilpOutcome.of(milp(np.array([-1.0]), integrality=np.ones(1), bounds=Bounds(0, 1),
                               constraints=[LinearConstraint(np.ones((1, 1)), 2.0, np.inf)]))
    assert none.status is MilpStatus.INFEASIBLE and none.x is None and none.fun is None
