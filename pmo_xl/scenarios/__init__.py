"""What-if scenarios: pause, delay, cancel, add, force out, change budget, add or remove capacity.

`compute_scenarios(portfolio)` measures the baseline and every scenario of the Scenarios table
(Settings) from the one checked portfolio; `actions` holds the transformations, `outcome` the
figures, `compare` the differences and the plain-words summary.
"""

from pmo_xl.scenarios.actions import Action, Plan, apply_action, apply_actions, read_actions
from pmo_xl.scenarios.compute import BASELINE, ScenarioRun, UnknownScenario, compute_scenarios
from pmo_xl.scenarios.outcome import Outcome

__all__ = [
    "BASELINE", "Action", "Outcome", "Plan", "ScenarioRun", "UnknownScenario", "apply_action", "apply_actions",
    "compute_scenarios", "read_actions",
]
