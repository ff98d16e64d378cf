"""Running work behind a panel: in a background thread in a live notebook, in the caller elsewhere.

Why a thread and not an asyncio task
------------------------------------
A panel must keep its sliders and its Pause button alive while the agent
learns.  In a Jupyter kernel a widget change made in the browser arrives as
a message on the kernel's *shell* channel, and the kernel handles shell
messages one at a time on its main thread, only while no cell is executing.
So the learning cannot run in a cell; it must run while the main thread is
idle.  Two designs do that:

* an asyncio task on the kernel's event loop, run in chunks of steps that
  yield in between.  It is cooperative: a chunk too long freezes the
  sliders, a chunk too short wastes time in the scheduler.  Worse, with
  ipykernel 7 a task created by a cell is not reliably scheduled once the
  cell has finished (ipython/ipykernel#1510: it only moves on when the next
  cell runs), which defeats the purpose;
* a thread.  The main thread stays idle and handles every widget message at
  once (a slider moved during a run reaches the agent between two of its
  steps); the thread only *sends* widget updates (frames, curves, the status
  line), and ipykernel publishes messages from any thread through its IOPub
  thread (ipykernel 7.0.0 alone failed there with a ``LookupError``,
  jupyter-widgets/ipywidgets#4001; fixed in 7.0.1).  Python switches threads every few milliseconds, so the main
  thread answers quickly even while the learner computes.

We chose the thread.  The known issues of ipykernel 7 with threads are
about *printed output*: a thread has no "current cell", so what it prints
could land in whatever cell ran last (ipython/ipykernel#1451,
jupyter-widgets/ipywidgets#4020).  The panel's learner prints nothing
itself; whatever the agent prints (a DQN announcing a target refresh) is
captured by the panel's own ``ipywidgets.Output`` log, entered inside the
thread, which routes it to the panel whatever cell runs meanwhile (the
Output widget of recent ipywidgets sets the thread's parent message for
this, jupyter-widgets/ipywidgets#4021).  Errors are shown in the panel,
never raised into another cell.

Without a live notebook (a script, pytest, CI executing the notebooks with
nbval or nbconvert) nothing could press Pause, and a background thread would
race with the cells that follow.  So there the work runs in the caller and
returns when it is done: :func:`background_default` is False when no
IPython kernel runs us or when the ``CI`` environment variable is set.
"""

from __future__ import annotations

import html
import threading
import traceback
from typing import Callable

import ipywidgets as widgets

from course import scale

__all__ = ["Runner", "background_default", "error_html"]


def in_kernel() -> bool:
    """Whether we run inside a Jupyter (IPython) kernel."""
    try:
        from IPython import get_ipython
    except ImportError:
        return False
    ip = get_ipython()
    return ip is not None and getattr(ip, "kernel", None) is not None


def background_default() -> bool:
    """Run in the background by default only in a live notebook: inside a kernel and not under CI."""
    return in_kernel() and not scale.in_ci()


class Runner:
    """Runs one piece of work at a time, in a daemon thread or in the caller.

    ``on_error(exc)`` is told about an exception of the work (the panel
    shows it); ``on_done()`` is called after the work, whatever happened.
    In the caller the exception is then raised again (a script or CI must
    fail loudly); in a thread it is kept in :attr:`error`.
    """

    def __init__(self, on_error: Callable[[BaseException], None], on_done: Callable[[], None],
                 log: widgets.Output | None = None):
        self.on_error = on_error
        self.on_done = on_done
        self.log = log
        self.error: BaseException | None = None
        self._thread: threading.Thread | None = None

    @property
    def busy(self) -> bool:
        """True while background work is going on."""
        return self._thread is not None and self._thread.is_alive()

    def start(self, work: Callable[[], object], *, background: bool) -> None:
        if self.busy:
            raise RuntimeError("the panel is already running; press Pause (or call pause()) first")
        self.error = None
        if not background:
            self._call(work, reraise=True)
            return
        self._thread = threading.Thread(target=self._in_thread, args=(work,), name="course-panel", daemon=True)
        self._thread.start()

    def _in_thread(self, work) -> None:
        if self.log is not None and in_kernel():
            with self.log:
                self._call(work, reraise=False)
        else:
            self._call(work, reraise=False)

    def _call(self, work, *, reraise: bool) -> None:
        try:
            work()
        except BaseException as e:  # noqa: BLE001 - shown in the panel; raised again in the caller
            self.error = e
            self.on_error(e)
            if reraise:
                raise
        finally:
            self.on_done()

    def wait(self, timeout: float | None = None) -> bool:
        """Block until background work ends (True) or ``timeout`` seconds pass (False)."""
        t = self._thread
        if t is not None and t is not threading.current_thread():
            t.join(timeout)
        return not self.busy


def error_html(e: BaseException) -> str:
    """An exception for a panel: its type and message in red, the end of the traceback folded away."""
    tb = "".join(traceback.format_exception(e)[-6:])
    return (f"<div style='color:#b00'><b>{html.escape(type(e).__name__)}</b>: {html.escape(str(e))}"
            f"<details><summary>traceback</summary><pre style='font-size:80%'>{html.escape(tb)}</pre></details></div>")
