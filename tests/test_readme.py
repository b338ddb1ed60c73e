"""The README's set-up commands and CI's test command stay the same thing."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _setup_commands() -> list[str]:
    text = (ROOT / "README.md").read_text()
    section = text.split("## Set-up", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```bash\n(.+?)\n```", section, flags=re.S)


def test_readme_has_exactly_two_setup_commands():
    commands = _setup_commands()
    assert len(commands) == 2
    assert all("\n" not in c for c in commands)
    assert commands[0].endswith("imagekit demo")
    assert commands[1].endswith("python -m pytest")


def test_ci_runs_the_readme_test_command():
    test_command = _setup_commands()[1].split(" && ", 1)[1]  # after activating the venv
    ci = (ROOT / ".ci" / "run").read_text()
    assert test_command in ci.splitlines()
