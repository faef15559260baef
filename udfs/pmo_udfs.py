"""The `=PMO_...` worksheet functions, as Excel imports them (xlwings `UDF Modules`).

Each family lives in its own module; this module gathers them so Excel sees one module.
Outside Excel (Linux, tests) the xlwings decorators are no-ops and every function is a plain
Python callable taking values shaped as Excel passes them.
"""

from udfs.earned_value import *  # noqa: F401,F403
from udfs.loading import *  # noqa: F401,F403
from udfs.priority import *  # noqa: F401,F403
