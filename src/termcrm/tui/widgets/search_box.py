"""A one-line input that is repainted, not laid out again, as its text grows."""

from __future__ import annotations

from textual.geometry import Size
from textual.reactive import Reactive
from textual.widgets import Input


class SearchBox(Input):
    """An `Input` for search-as-you-type.

    `Input` sets its virtual size to the width of its text, and a widget's virtual size
    changing asks for a new layout of the whole screen: on the contacts screen that is
    5-25 ms of the event loop at every keystroke, spent while the search for that keystroke
    runs and competing with it. A one-line box without scroll bars needs a repaint only
    (scrolling along the text uses the virtual size as before).
    """

    virtual_size: Reactive[Size] = Reactive(Size(0, 0), layout=False)
