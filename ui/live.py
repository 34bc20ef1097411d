"""What the server keeps per open chat page, so two events of one page cannot race.

Gradio runs events of one browser session concurrently and hands each a copy
of the session state as it was when the event started. A question sent while
another answer still streams therefore starts from a history without that
answer, and whichever finishes last overwrites the other's turn. Here each
page (``gr.Request.session_hash``) has a lock, so its answers run one after the
other, and the turns the last answer left, so the next one builds on them.

Example:
    >>> pages = LivePages()
    >>> page = pages.get("abc")
    >>> page.turns is None, page.queued
    (True, [])
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any

from rag.ui.render import Turn

NOTICE_S = 5.0
"""How long a toast (``gr.Info``, ``gr.Warning``) stays on the page, in seconds."""


@dataclass
class LivePage:
    """One page's answer lock, the questions waiting for it, the latest turns (None: not yet known),
    the Stop button's flag and the toasts it shows."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    queued: list[str] = field(default_factory=list)
    turns: list[Turn] | None = None
    stop: threading.Event = field(default_factory=threading.Event)  # set: end the answer streaming now
    notices: dict[str, float] = field(default_factory=dict)  # toast text -> when last shown (monotonic)

    def shows(self, message: str, now: float | None = None) -> bool:
        """Whether to show the toast ``message`` now: not while the same words still show.

        Gradio lists every repeat in its toast, so four empty Asks made one box of four
        identical lines (found in a browser audit).

        Example:
            >>> page = LivePage()
            >>> page.shows("Type a question first.", now=0.0), page.shows("Type a question first.", now=1.0)
            (True, False)
            >>> page.shows("Type a question first.", now=NOTICE_S), page.shows("Other words.", now=1.0)
            (True, True)
        """
        now = time.monotonic() if now is None else now
        last = self.notices.get(message)
        if last is not None and now - last < NOTICE_S:
            return False
        self.notices = {m: t for m, t in self.notices.items() if now - t < NOTICE_S}
        self.notices[message] = now
        return True


class LivePages:
    """Pages by session id; the oldest are forgotten past ``limit`` (a page that unloads is forgotten
    at once, see :meth:`forget`)."""

    def __init__(self, limit: int = 2048) -> None:
        self.limit = limit
        self._pages: OrderedDict[str, LivePage] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Any) -> LivePage:
        key = str(key)
        with self._lock:
            page = self._pages.get(key)
            if page is None:
                page = self._pages[key] = LivePage()
                while len(self._pages) > self.limit:
                    self._pages.popitem(last=False)
            else:
                self._pages.move_to_end(key)
            return page

    def forget(self, key: Any) -> None:
        with self._lock:
            self._pages.pop(str(key), None)

    def __len__(self) -> int:
        return len(self._pages)
