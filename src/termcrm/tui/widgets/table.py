"""Textual's `DataTable`, never drawn at the column widths it had before its new rows."""

from __future__ import annotations

from textual.widgets import DataTable


class CrmTable(DataTable):
    """A `DataTable` whose rows show at their measured widths from the first paint after.

    `DataTable` measures the columns of new rows only when it is next idle, and keeps the
    lines it drew before then (Textual 8.2): painted between `add_row` and that moment, the
    rows stayed cut at the header's widths ("2026", "call") until the data changed again.
    Once the columns are measured, the lines drawn at the old widths are dropped."""

    def _update_dimensions(self, new_rows) -> None:
        super()._update_dimensions(new_rows)
        self._clear_caches()
        self.refresh()
