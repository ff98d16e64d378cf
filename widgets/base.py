"""What every panel of the kit shares, written once: its frame, its buttons, its running state.

A panel (:class:`~widgets.Panel`, :class:`~widgets.BanditPanel`,
:class:`~widgets.WorldPanel`, :class:`~widgets.DPPanel`,
:class:`~widgets.Compare`) is a plain object that holds an ipywidgets tree in
``.widget``; :class:`PanelBase` lets a notebook display the object itself.  A
panel that works in the background holds a :class:`~widgets.runner.Runner` as
``_runner``: ``running`` and ``error`` come from it, and while it runs the
buttons of ``_idle_buttons`` wait and only ``pause_button`` can be pressed.
"""

from __future__ import annotations

import html
from typing import TYPE_CHECKING, Callable

import ipywidgets as widgets

if TYPE_CHECKING:
    from .runner import Runner

__all__ = ["PanelBase", "framed", "button"]


class PanelBase:
    """Displays as its ``widget``; reports its runner's state; keeps its buttons in step with it."""

    widget: widgets.Widget
    _runner: "Runner | None" = None
    pause_button: widgets.Button | None = None
    _idle_buttons: tuple[widgets.Button, ...] = ()  # pressed only while nothing runs

    @property
    def running(self) -> bool:
        """True while the panel's work runs."""
        return self._runner is not None and self._runner.busy

    @property
    def error(self) -> BaseException | None:
        """The exception that stopped the last run, if any."""
        return None if self._runner is None else self._runner.error

    def _sync_buttons(self, *, running: bool) -> None:
        for b in self._idle_buttons:
            b.disabled = running
        if self.pause_button is not None:
            self.pause_button.disabled = not running

    def _repr_mimebundle_(self, **kwargs):
        return self.widget._repr_mimebundle_(**kwargs)


def framed(title: str, rows: list, css_class: str = "course-panel") -> widgets.VBox:
    """A panel's frame: its title (if any) above ``rows``, in a bordered box with ``css_class``.

    Every panel of the kit is framed this way; the class is how a page (and
    the browser tests) finds a panel.
    """
    head = [widgets.HTML(f"<h3 style='margin:0'>{html.escape(title)}</h3>")] if title else []
    box = widgets.VBox(head + list(rows), layout=widgets.Layout(border="1px solid #ddd", padding="6px"))
    box.add_class(css_class)
    return box


def button(label: str, tooltip: str, action: Callable[[], None], *, icon: str = "", style: str = "",
           width: str | None = "95px") -> widgets.Button:
    """A panel's button: ``action()`` runs when it is pressed (every panel of the kit makes its buttons here).

    ``width=None`` lets the button take the width of its label.
    """
    b = widgets.Button(description=label, icon=icon, tooltip=tooltip, button_style=style,
                       layout=widgets.Layout(width=width))
    b.on_click(lambda _b: action())
    return b
