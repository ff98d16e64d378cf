"""Self-checks of the lessons' coding exercises, one module per course unit.

A lesson imports the check of its exercise (``from course.checks.bandits import
check_update``); a check runs the student's function on a few cases, prints one
line (that it passed, or in one sentence what is wrong) and returns True or
False, all through :func:`report`.  The reference solutions the tests hold each check against live beside
the checks.

* ``bandits`` (lesson 02), ``mdp`` (03), ``dp`` (05), ``mc`` (06), ``td`` (08, 09),
  ``planning`` (10), ``linear`` (13), ``control`` (14), ``traces`` (15),
  ``deep`` (00, 16, 18).
"""


def report(problem: str | None = None, success: str = "") -> bool:
    """Print a check's one line and return whether it passed: ``✓ success``, or ``✗ problem`` (what is wrong).

    Every check of the package reports through here, so every exercise
    answers in the same form.
    """
    print(f"✗ {problem}" if problem else f"✓ {success}")
    return problem is None
