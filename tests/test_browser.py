"""A live panel in a real browser: JupyterLab in headless Chromium, driven with Playwright.

For each notebook of :data:`CASES` the test starts its own JupyterLab with
`course lab` (a free localhost port, a random token, a temporary copy of the notebook as its root),
runs its cells (every cell, or for the long lessons the first code cell and
the cell that builds the panel: what a student who jumps to the lesson's panel
runs), finds the panel, moves one slider before pressing Run and
another one while the agent learns (with the keyboard, or with a short mouse
drag that must move it a little and not to its end), presses Pause, and then asks the kernel,
through a cell it adds at the end, what the agent holds: both parameters must
have the values the sliders show, and episodes must have advanced.  A
screenshot of the running panel goes to ``test-artifacts/``.  Panels driven by
buttons only (:data:`BUTTON_CASES`: a policy stepped by hand, dynamic
programming swept) are opened the same way and must change their picture.

The server runs without ``CI`` in its environment, so the panel learns in its
background thread exactly as for a student (the CI path of the panels, which
runs in the caller, is covered by tests/test_widgets.py); ``COURSE_SCALE=smoke``
keeps lessons small.  Chromium is Debian's (``apt-get install chromium``);
the test is skipped when /usr/bin/chromium is absent.
"""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-quic"]


@dataclass(frozen=True)
class Case:
    """One notebook with a live panel: where it is and what to move on it."""

    notebook: str  # relative to the repository
    before_run: str  # the parameter whose slider is moved before pressing Run
    during_run: str  # the parameter whose slider is moved while the agent learns
    panel: str = "panel"  # the notebook's variable that holds the Panel
    title: str = ""  # the panel's title, when the notebook has more than one panel
    timeout: float = 240.0  # seconds for the whole case (a minute or two on an idle 2-core machine)
    only_panel: bool = False  # run only the first code cell and the cell that builds the panel
    name: str = ""  # the test's id and the screenshot's name (default: the notebook's name)
    reset_redraws: bool = False  # after the run, press Reset: the live view must show the new agent's picture
    counter: str = "episode"  # what the status line counts ("episode N"), the "...s per Run" box and the agent's count
    running: str = "a.running"  # the expression, in the check cell, that says whether the agent still runs
    drag: bool = False  # move the slider of during_run with a short mouse drag (not the keyboard)

    @property
    def id(self) -> str:
        return self.name or Path(self.notebook).stem


def runnable_copy(notebook: Path, dest: Path, case: Case) -> Path:
    """Copy the notebook to ``dest``; with ``case.only_panel``, keep its first code cell and its panel cell."""
    nb = json.loads(notebook.read_text())
    if case.only_panel:
        code = [c for c in nb["cells"] if c["cell_type"] == "code"]
        builds = [c for c in code if re.search(rf"^{case.panel} = Panel\(", "".join(c["source"]), re.M)]
        assert builds, f"{notebook.name} has no cell that builds {case.panel} = Panel(...)"
        nb["cells"] = [code[0], builds[0]]
    path = dest / notebook.name
    path.write_text(json.dumps(nb))
    return path


# One line per panel (lesson 18's Mountain Car panel is lesson 14's now).  Lesson 00 runs whole (it reaches its panel in seconds).  Lessons 15 and 18 run minutes
# of experiments before their last panels, more than this test's budget on a 2-core machine, and nbval runs them
# whole anyway: here they run their first cell and the panel's cell, which needs nothing else (the lessons say so).
CASES = [
    Case("lessons/00_welcome.ipynb", before_run="epsilon", during_run="alpha", title="Q-learning on the maze",
         reset_redraws=True, drag=True),
    Case("lessons/00_welcome.ipynb", before_run="epsilon", during_run="alpha", panel="taxi_panel",
         title="Q-learning on Gymnasium's Taxi", name="00_welcome-taxi", reset_redraws=True),
    # (ε decays by itself in this agent, so the slider moved before Run is the target period C)
    Case("lessons/16_nonlinear_control.ipynb", before_run="target_update", during_run="alpha", panel="playground",
         only_panel=True, timeout=300.0),
    Case("lessons/14_linear_control.ipynb", before_run="epsilon", during_run="alpha", panel="mc_panel",
         only_panel=True),
    Case("lessons/18_games.ipynb", before_run="target_update", during_run="alpha", panel="pong_panel",
         only_panel=True, timeout=300.0, name="18_games-pong"),
    Case("lessons/02_bandits.ipynb", before_run="epsilon", during_run="c", counter="step", running="panel.running"),
    Case("lessons/08_temporal_difference.ipynb", before_run="epsilon", during_run="alpha", title="The cliff"),
    Case("lessons/09_n_step.ipynb", before_run="gamma", during_run="alpha"),
    Case("lessons/13_linear_prediction.ipynb", before_run="gamma", during_run="alpha", only_panel=True),
    Case("lessons/06_monte_carlo.ipynb", before_run="epsilon", during_run="alpha", only_panel=True),
    Case("lessons/15_eligibility_traces.ipynb", before_run="lambda_", during_run="alpha", only_panel=True),
    Case("lessons/10_planning.ipynb", before_run="alpha", during_run="planning_steps", only_panel=True),
]

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Lab:
    """A JupyterLab server of our own, on a temporary copy of one notebook; always shut down."""

    def __init__(self, notebook: Path, tmp: Path, case: Case):
        self.root = tmp / "root"
        self.root.mkdir()
        runnable_copy(notebook, self.root, case)
        self.port = _free_port()
        self.token = os.urandom(16).hex()
        env = {k: v for k, v in os.environ.items() if k != "CI"}
        env.update(COURSE_SCALE="smoke", COURSE_PROGRESS="0", JUPYTER_RUNTIME_DIR=str(tmp / "runtime"),
                   JUPYTERLAB_SETTINGS_DIR=str(tmp / "settings"), JUPYTERLAB_WORKSPACES_DIR=str(tmp / "workspaces"),
                   IPYTHONDIR=str(tmp / "ipython"), PYTHONPATH=os.pathsep.join([str(ROOT), env.get("PYTHONPATH", "")]))
        notification = tmp / "settings" / "@jupyterlab" / "apputils-extension" / "notification.jupyterlab-settings"
        notification.parent.mkdir(parents=True)
        notification.write_text('{"fetchNews": "false", "checkForUpdates": false}')  # no news toast over the panel
        self.log = open(tmp / "lab.log", "w")
        self.proc = subprocess.Popen(
            # `course lab`, as a student starts it (as root in CI: it must add --allow-root by itself)
            [sys.executable, "-m", "course.cli", "lab", "--dir", str(self.root), "--no-browser", "--port",
             str(self.port), "--ServerApp.ip=127.0.0.1", "--ServerApp.port_retries=0",
             f"--IdentityProvider.token={self.token}", "--LabApp.expose_app_in_browser=True",
             "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate", "--LabApp.extension_manager=readonly",
             "--LabApp.news_url=None", "--ServerApp.terminals_enabled=False"],
            env=env, stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True)
        self.url = f"http://127.0.0.1:{self.port}"

    def wait_ready(self, timeout: float) -> None:
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            if self.proc.poll() is not None:
                raise RuntimeError(f"course lab exited with {self.proc.returncode}; see {self.log.name}")
            try:
                with urllib.request.urlopen(f"{self.url}/api/status?token={self.token}", timeout=2) as r:
                    if r.status == 200:
                        if os.geteuid() == 0:  # course lab said it added --allow-root
                            self.log.flush()
                            assert "running as root" in Path(self.log.name).read_text()
                        return
            except OSError:
                time.sleep(0.3)
        raise TimeoutError(f"jupyter lab did not answer within {timeout} s; see {self.log.name}")

    def stop(self) -> None:
        """Stop the server and its kernels (its own process group), whatever state it is in."""
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(5)
        self.log.close()


_KERNEL_IDLE = """() => {
    const widget = window.jupyterapp && window.jupyterapp.shell.currentWidget;
    const kernel = widget && widget.sessionContext && widget.sessionContext.session
        && widget.sessionContext.session.kernel;
    return !!kernel && kernel.connectionStatus === 'connected' && kernel.status === 'idle';
}"""


def _slider(panel, name: str):
    """The slider of parameter ``name`` in a panel (its label reads "<symbol> <name>")."""
    label = panel.page.locator(".widget-label", has_text=re.compile(rf"(^|\s){re.escape(name)}(\s|$)"))
    return panel.locator(".widget-slider", has=label).first


def _move(slider, presses: int) -> str:
    """Move a slider with the keyboard on its handle (right, or left if it is at its end); return its readout."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    readout = slider.locator(".widget-readout")
    before = readout.inner_text().strip()
    handle = slider.locator(".noUi-handle").first
    handle.click()
    for key in ("ArrowRight", "ArrowLeft"):
        for _ in range(presses):
            handle.press(key)
        try:
            readout.page.wait_for_function("([el, old]) => el.textContent.trim() !== old",
                                           arg=[readout.element_handle(), before], timeout=5000)
            return readout.inner_text().strip()
        except PlaywrightTimeout:
            continue
    raise AssertionError(f"the slider did not move from {before}")


def _drag(slider, pixels: int) -> str:
    """Drag a slider's handle ``pixels`` to the right with the mouse, as a student would; return its readout.

    A short drag must move the value a little: it must neither leave it where
    it was nor reach the end of the track (issue 15: a 17-pixel drag took the
    welcome panel's α from 0.5 to its maximum).
    """
    page = slider.page
    readout = slider.locator(".widget-readout")
    handle = slider.locator(".noUi-handle").first
    before = readout.inner_text().strip()
    for _attempt in range(3):  # a notebook that still scrolls moves the handle under the mouse: measure when still
        box = handle.bounding_box()
        time.sleep(0.3)
        if handle.bounding_box() != box:
            continue
        x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
        page.mouse.move(x, y)
        page.mouse.down()
        page.mouse.move(x + pixels, y, steps=4)
        page.mouse.up()
        try:
            page.wait_for_function("([el, old]) => el.textContent.trim() !== old",
                                   arg=[readout.element_handle(), before], timeout=5000)
            break
        except Exception:
            continue
    after = readout.inner_text().strip()
    assert after != before, f"a {pixels}-pixel drag did not move the slider from {before}"
    now, top = (float(handle.get_attribute(a)) for a in ("aria-valuenow", "aria-valuemax"))
    assert now < top, f"a {pixels}-pixel drag took the slider from {before} to its maximum {after}"
    return after


def _episodes(panel, counter: str = "episode") -> int:
    m = re.search(rf"{counter} (\d+)", panel.inner_text())
    return int(m.group(1)) if m else -1


def _wait(condition, timeout: float, what: str) -> None:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if condition():
            return
        time.sleep(0.2)
    raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")


@contextmanager
def _lab_page(case: Case, tmp_path: Path, *, ready: float, timeout: float):
    """A JupyterLab of our own on ``case``'s notebook and a Chromium page on it; a screenshot if the test fails.

    Skips when Chromium or Playwright is absent; always stops the browser and the server.
    """
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} is absent (apt-get install chromium)")
    sync_api = pytest.importorskip("playwright.sync_api")
    lab = Lab(ROOT / case.notebook, tmp_path, case)
    try:
        lab.wait_ready(ready)
        with sync_api.sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1400, "height": 1100})
            page.set_default_timeout(timeout * 1000)
            try:
                yield lab, page
            except BaseException:
                ARTIFACTS.mkdir(exist_ok=True)  # what the page showed when it failed
                page.screenshot(path=str(ARTIFACTS / f"browser-{case.id}-failed.png"), full_page=True)
                raise
            finally:
                browser.close()
    finally:
        lab.stop()


@pytest.mark.timeout(420)
@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_a_live_panel_in_jupyterlab(case: Case, tmp_path):
    started = time.monotonic()
    with _lab_page(case, tmp_path, ready=case.timeout / 2, timeout=case.timeout) as (lab, page):
        _drive(page, lab, case, Path(case.notebook).name, started)


def _drive(page, lab: Lab, case: Case, name: str, started: float) -> None:
    page.goto(f"{lab.url}/lab/tree/{name}?token={lab.token}")
    page.wait_for_function(_KERNEL_IDLE)  # running cells before the kernel is up would ask to pick a kernel
    page.evaluate("() => { window.jupyterapp.commands.execute('notebook:run-all-cells'); }")  # do not await it

    panels = page.locator(".course-panel", has_text=case.title) if case.title else page.locator(".course-panel")
    panel = panels.first
    panel.wait_for(state="visible")
    page.wait_for_function(_KERNEL_IDLE)
    panel.scroll_into_view_if_needed()

    # before Run: move one slider, ask for a long Run (so that it is still going when the next slider moves),
    # and check that a press of Run makes episodes advance
    shown_before = _move(_slider(panel, case.before_run), 5)
    episodes_box = panel.locator(".widget-text", has=page.locator(".widget-label", has_text=f"{case.counter}s per Run"))
    episodes_box.locator("input").fill("100000")
    episodes_box.locator("input").press("Enter")
    start_episode = _episodes(panel, case.counter)
    panel.locator("button.widget-button", has_text=re.compile(r"^\s*Run\s*$")).click()
    remaining = case.timeout - (time.monotonic() - started)
    _wait(lambda: _episodes(panel, case.counter) >= start_episode + 2, remaining / 2,
          f"two {case.counter}s after pressing Run")

    # while the agent learns: move another slider (the kernel's main thread is free to take it)
    during = _slider(panel, case.during_run)
    shown_during = _drag(during, 20) if case.drag else _move(during, 3)
    assert "running" in panel.inner_text(), "the run ended before the second slider moved: give it more episodes"
    time.sleep(1.0)  # a few more frames and curves
    ARTIFACTS.mkdir(exist_ok=True)
    panel.screenshot(path=str(ARTIFACTS / f"browser-{case.id}.png"))
    panel.locator("button.widget-button", has_text=re.compile(r"^\s*Pause\s*$")).click()
    _wait(lambda: "paused" in panel.inner_text() or "done" in panel.inner_text(), 30, "the run to pause")

    # ask the kernel what the agent holds, in a cell added at the end
    page.evaluate("""async () => {
        const app = window.jupyterapp;
        const panel = app.shell.currentWidget;
        panel.content.activeCellIndex = panel.content.widgets.length - 1;
        await app.commands.execute('notebook:insert-cell-below');
        panel.content.activeCell.model.sharedModel.setSource(
            "a = %s.agent\\nprint('CHECK', repr(a.%s), repr(a.%s), a.%s, %s)");
        await app.commands.execute('notebook:run-cell');
    }""" % (case.panel, case.before_run, case.during_run, case.counter, case.running))
    out = page.locator(".jp-OutputArea-output", has_text="CHECK").last
    out.wait_for(state="visible")
    _, before_value, during_value, episodes, running = out.inner_text().split()
    assert float(before_value) == pytest.approx(float(shown_before), rel=5e-3, abs=1e-9)
    assert float(during_value) == pytest.approx(float(shown_during), rel=5e-3, abs=1e-9)
    assert int(episodes) >= start_episode + 2 and running == "False"
    if case.reset_redraws:  # Reset: a fresh agent, and the live view shows it (not the old agent's picture)
        picture = panel.locator("img").first
        before = picture.get_attribute("src")
        panel.locator("button.widget-button", has_text=re.compile(r"^\s*Reset\s*$")).click()
        _wait(lambda: picture.get_attribute("src") != before, 30, "the live view to change after Reset")
        _wait(lambda: "episode <b>0</b>" in panel.inner_html() or "episode 0" in panel.inner_text(), 30,
              "the status to say episode 0 after Reset")
        panel.screenshot(path=str(ARTIFACTS / f"browser-{case.id}-after-reset.png"))
    status = next((line for line in panel.inner_text().splitlines() if "steps/s" in line), "")
    print(f"{case.notebook}: {case.before_run}={before_value}, {case.during_run}={during_value} "
          f"(set while running), {episodes} {case.counter}s, {time.monotonic() - started:.1f} s; status: {status}")


# Panels without an agent that learns by episodes (a hand-written policy stepped, dynamic programming swept):
# their buttons must change the picture.  (notebook, the panel's CSS class, its title, the buttons to press)
BUTTON_CASES = [
    ("lessons/03_mdp.ipynb", "course-panel", "A policy in the kit's worlds", ("Step", "Step", "Step")),
    ("lessons/05_dynamic_programming.ipynb", "course-dp-panel", "Dynamic programming, sweep by sweep",
     ("Sweep", "Sweep")),
]


@pytest.mark.timeout(300)
@pytest.mark.parametrize("notebook, css, title, buttons", BUTTON_CASES, ids=[Path(c[0]).stem for c in BUTTON_CASES])
def test_a_button_panel_in_jupyterlab(notebook, css, title, buttons, tmp_path):
    case = Case(notebook, before_run="", during_run="", title=title, name=Path(notebook).stem)
    with _lab_page(case, tmp_path, ready=120, timeout=240) as (lab, page):
        page.goto(f"{lab.url}/lab/tree/{Path(notebook).name}?token={lab.token}")
        page.wait_for_function(_KERNEL_IDLE)
        page.evaluate("() => { window.jupyterapp.commands.execute('notebook:run-all-cells'); }")
        panel = page.locator(f".{css}", has_text=title).first
        panel.wait_for(state="visible")
        page.wait_for_function(_KERNEL_IDLE)
        panel.scroll_into_view_if_needed()
        picture = panel.locator("img").first
        _wait(lambda: bool(picture.get_attribute("src")), 60, "the panel's picture")
        before = picture.get_attribute("src")
        for label in buttons:
            panel.locator("button.widget-button", has_text=re.compile(rf"^\s*{label}\s*$")).click()
            time.sleep(0.3)
        _wait(lambda: picture.get_attribute("src") != before, 60, f"the picture to change after {buttons}")
        ARTIFACTS.mkdir(exist_ok=True)
        panel.screenshot(path=str(ARTIFACTS / f"browser-{case.id}.png"))
