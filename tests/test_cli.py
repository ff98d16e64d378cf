"""The ``course`` console script."""

import subprocess
import sys

import pytest

from course import cli


def _course(*args, timeout=120):
    return subprocess.run([sys.executable, "-m", "course.cli", *args], capture_output=True, text=True,
                          timeout=timeout)


def test_course_help_lists_the_subcommands():
    r = _course("--help")
    assert r.returncode == 0
    for sub in ("lab", "figures", "bench", "train", "play"):
        assert sub in r.stdout


def test_course_lab_help_works():
    r = _course("lab", "--help")
    assert r.returncode == 0
    assert "JupyterLab" in r.stdout and "--port" in r.stdout


def test_course_lab_finds_the_lessons_folder():
    folder = cli.lessons_dir()
    assert folder.name == "lessons" and folder.is_dir()
    assert any(folder.glob("*.ipynb")), "the lessons folder has no notebook"


def test_unknown_benchmark_is_a_clear_error():
    r = _course("bench", "nonsense")
    assert r.returncode == 2
    assert "unknown benchmark 'nonsense'" in r.stderr and "mountain-car" in r.stderr


def test_course_script_is_installed():
    import shutil
    from pathlib import Path

    exe = Path(sys.executable).with_name("course")
    if not exe.exists() and shutil.which("course") is None:
        pytest.skip("the console script is only present in an installed environment")
    r = subprocess.run([str(exe) if exe.exists() else "course", "--help"], capture_output=True, text=True)
    assert r.returncode == 0


def test_lab_settings_turn_the_news_prompt_off_and_keep_other_settings(tmp_path):
    import json

    path = tmp_path / "share" / "jupyter" / "lab" / "settings" / "overrides.json"
    path.parent.mkdir(parents=True)
    path.write_text(json.dumps({"@jupyterlab/apputils-extension:themes": {"theme": "JupyterLab Dark"}}))
    assert cli.lab_settings(tmp_path) == path
    settings = json.loads(path.read_text())
    assert settings["@jupyterlab/apputils-extension:notification"]["fetchNews"] == "false"
    assert settings["@jupyterlab/apputils-extension:themes"] == {"theme": "JupyterLab Dark"}


def test_lab_passes_allow_root_only_for_root(monkeypatch, tmp_path):
    monkeypatch.setattr(cli.os, "geteuid", lambda: 0)
    assert "--allow-root" in cli.lab_command(tmp_path)
    assert cli.lab_command(tmp_path, rest=["--allow-root"]).count("--allow-root") == 1
    monkeypatch.setattr(cli.os, "geteuid", lambda: 1000)
    assert "--allow-root" not in cli.lab_command(tmp_path, 8890, True)


@pytest.mark.slow
@pytest.mark.skipif(not hasattr(__import__("os"), "geteuid") or __import__("os").geteuid() != 0,
                    reason="the root case needs root (CI runs as root)")
def test_course_lab_starts_as_root(tmp_path):
    import socket
    import time
    import urllib.request

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen([sys.executable, "-m", "course.cli", "lab", "--no-browser", "--port", str(port),
                             "--dir", str(tmp_path), "--ServerApp.ip=127.0.0.1", "--IdentityProvider.token=t"],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True)
    try:
        deadline, status = time.time() + 90, None
        while time.time() < deadline and proc.poll() is None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/status?token=t", timeout=2) as r:
                    status = r.status
                break
            except OSError:
                time.sleep(0.5)
        assert status == 200, f"JupyterLab did not answer as root; it exited with {proc.poll()}"
    finally:
        import os
        import signal

        os.killpg(proc.pid, signal.SIGTERM)  # course lab and the jupyter server it started
        out = proc.communicate(timeout=60)[0]
    assert "--allow-root" in out and "running as root" in out
