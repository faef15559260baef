"""The lessons block of a project page: the lessons of OTHER projects that apply to this one.

Two rows under the top risks (left half): a heading with how many apply, then the shown ones
(lesson ID, where it comes from, why it applies, its recommendation) in one wrapped cell; the
rest are on the Lessons sheet.
"""

from __future__ import annotations

from typing import Any

from pmo_xl.report.model_project_pages import ProjectPage

LESSON_ROW_HEIGHT = 34  # three lines of 8-pt text


def write_page_lessons(layout: Any, r: int, page: ProjectPage) -> None:
    """Write the block at row `r` of the page (`layout`: the project pages' _Layout, for its formats)."""
    if not page.lessons:
        return
    total = len(page.lessons) + page.lessons_more
    layout.sheet.write_string(r, 0, f"Lessons from other projects that apply ({total})", layout.heading)
    text = " · ".join(f"{lesson_id} ({source}, {why}): {advice}" for lesson_id, source, _category, why, advice in page.lessons)
    if page.lessons_more:
        text += f" · and {page.lessons_more} more on the Lessons sheet"
    layout.sheet.set_row(r + 1, LESSON_ROW_HEIGHT)
    layout.merged(r + 1, 0, 5, text, layout.small)
