"""The computations of a report, one package per subject, each with a public face.

Every package's `__init__` exports its `compute_*` entry point and result type; callers outside
`compute/` (the report model, the macros, the `=PMO_...` worksheet functions) import only from
these faces, never from a package's inner modules:

- `time` — working calendars (holidays, grains) and work contours (how hours spread over days);
- `earned_value` — EVM and earned schedule per project and month, roll-ups, RAG ratings;
- `loading` — resource capacity against allocated demand, over-allocations and their causes;
- `selection` — the portfolio-selection MILP, its efficient frontier and explanations;
- `priority` — criteria weights (typed or AHP), weighted scores, ranking, selection wiring;
- `risk` — risk scores, bands and exposure;
- `milestones` — due soon, slipped and missed milestones at the status date.
"""
