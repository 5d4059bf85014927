"""The repository's integrations (issue 15): the GitHub Action (``action.yml``) and the
pre-commit hooks (``.pre-commit-hooks.yaml``), each run as its consumer runs it where that
can be done here: the action's run step by bash with the inputs GitHub would give it, the
hooks by ``pre-commit try-repo``."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

yaml = pytest.importorskip("yaml")  # PyYAML comes with pre-commit (the test extra)

ROOT = Path(__file__).resolve().parents[2]
UNFIXABLE = b'[Version]\nSignature = "$Windows NT$"\nClass = Net\nPnpLockdown = 0\n'
FIXABLE = b'[Version]\r\nSignature="$Windows NT$"\r\nClass=Net\r\n'


def _action() -> dict[str, object]:
    data = yaml.safe_load((ROOT / "action.yml").read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def test_action_is_composite_and_installs_from_its_own_checkout() -> None:
    action = _action()
    assert set(action["inputs"]) == {"paths", "format", "args", "python-version"}  # type: ignore[arg-type]
    runs = action["runs"]
    assert isinstance(runs, dict) and runs["using"] == "composite"
    setup, install, check = runs["steps"]
    assert setup["uses"].startswith("actions/setup-python@")
    assert setup["with"] == {"python-version": "${{ inputs.python-version }}"}
    assert install["env"] == {"INFMIGRATE_ACTION_PATH": "${{ github.action_path }}"}
    assert install["run"].startswith("python -m pip install ")
    assert install["run"].endswith(' "$INFMIGRATE_ACTION_PATH"')
    # the inputs reach the script through the environment only, never as ${{ }} in it
    assert check["env"] == {
        "INFMIGRATE_PATHS": "${{ inputs.paths }}",
        "INFMIGRATE_FORMAT": "${{ inputs.format }}",
        "INFMIGRATE_ARGS": "${{ inputs.args }}",
    }
    for step in (install, check):
        assert step["shell"] == "bash" and "${{" not in step["run"]


def _run_step(cwd: Path, paths: str, fmt: str, args: str) -> subprocess.CompletedProcess[str]:
    """The action's run step, as the runner runs it: bash, the step's env filled from the
    inputs, and `python` the interpreter infmigrate was installed into (here: this one)."""
    step = _action()["runs"]["steps"][2]  # type: ignore[index]
    bin_dir = str(Path(sys.executable).parent)
    env = {
        "PATH": bin_dir + os.pathsep + os.environ.get("PATH", ""),
        "HOME": os.environ.get("HOME", str(cwd)),
        "INFMIGRATE_PATHS": paths,
        "INFMIGRATE_FORMAT": fmt,
        "INFMIGRATE_ARGS": args,
        "INFMIGRATE_NO_CACHE": "1",
    }
    bash = shutil.which("bash")
    assert bash is not None
    return subprocess.run(
        # GitHub runs `shell: bash` as `bash --noprofile --norc -eo pipefail {0}`
        [bash, "--noprofile", "--norc", "-eo", "pipefail", "-c", step["run"]],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.mark.skipif(shutil.which("bash") is None, reason="needs bash")
def test_action_run_step_runs_the_command_with_the_inputs(tmp_path: Path) -> None:
    (tmp_path / "drivers").mkdir()
    (tmp_path / "drivers" / "a.inf").write_bytes(UNFIXABLE)
    (tmp_path / "other.inf").write_bytes(FIXABLE)
    (tmp_path / "*.inf").mkdir()  # a glob in `paths` is never expanded by the shell
    res = _run_step(tmp_path, "drivers", "github,sarif:out.sarif", "--select ISO015 --exit-zero")
    assert res.returncode == 0, res.stderr
    assert res.stdout == (
        "::error file=drivers/a.inf,line=4,endLine=4,col=1,endColumn=16,title=infmigrate "
        "(ISO015)::ISO015 PnpLockdown is '0' instead of 1%0Afix: Set `PnpLockdown = 1` "
        "(infmigrate --write --unsafe-fixes)\n"
    )
    assert (tmp_path / "out.sarif").is_file()
    failed = _run_step(tmp_path, "drivers other.inf", "msbuild", "--select ISO015")
    assert failed.returncode == 1
    assert failed.stdout == (
        "drivers/a.inf(4,1): error ISO015: PnpLockdown is '0' instead of 1\n"
        "other.inf(1,1): error ISO015: [Version] has no PnpLockdown = 1 directive\n"
    )
    # an input cannot run a command: `$(...)` and `;` stay text (infmigrate refuses them)
    hostile = _run_step(tmp_path, "drivers", "text", "$(touch pwned); touch pwned")
    assert hostile.returncode == 2 and not (tmp_path / "pwned").exists()


def _git(*args: str, cwd: Path) -> None:
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, timeout=60)


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
def test_pre_commit_fix_hook_passes_on_its_second_run(tmp_path: Path) -> None:
    """``pre-commit try-repo`` with the ``infmigrate-write`` hook over a repository whose
    INFs have a fixable finding and one no safe fix removes: the first run fixes and fails
    (files changed), the second passes. pre-commit builds the hook's environment (pip
    installs this project), which takes a while: once, shared by both runs."""
    pre_commit = shutil.which("pre-commit", path=str(Path(sys.executable).parent))
    if pre_commit is None:
        pytest.skip("pre-commit is not installed (pip install -e '.[test]')")
    # The hook repository: this project's files as they are now, in a commit of their own
    # (try-repo of a dirty work tree makes a new commit, so a new environment, per run).
    hooks = tmp_path / "hooks"
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        check=True,
        capture_output=True,
    ).stdout.split(b"\0")
    for name in filter(None, (n.decode() for n in listed)):
        source = ROOT / name
        if source.is_file() and not name.startswith(("fixtures/", "bench/", "fuzz/")):
            (hooks / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, hooks / name)
    for repo in (hooks, tmp_path / "work"):
        repo.mkdir(exist_ok=True)
        _git("init", "-q", cwd=repo)
        _git("config", "user.email", "t@example.invalid", cwd=repo)
        _git("config", "user.name", "t", cwd=repo)
    _git("add", "-A", cwd=hooks)
    _git("commit", "-q", "-m", "hooks", cwd=hooks)
    work = tmp_path / "work"
    (work / "fix.inf").write_bytes(FIXABLE)
    (work / "left.inf").write_bytes(UNFIXABLE)
    _git("add", "-A", cwd=work)
    env = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "cache"), "PRE_COMMIT_COLOR": "never"}
    env.pop("INFMIGRATE_CACHE_DIR", None)
    command = [pre_commit, "try-repo", str(hooks), "infmigrate-write", "--all-files"]

    def run() -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            command, cwd=work, env=env, capture_output=True, text=True, timeout=600, check=False
        )

    first = run()
    assert first.returncode == 1, first.stdout + first.stderr
    assert "files were modified by this hook" in first.stdout
    assert (work / "fix.inf").read_bytes() == FIXABLE + b"PnpLockdown=1\r\n"
    _git("add", "-A", cwd=work)
    second = run()
    assert second.returncode == 0, second.stdout + second.stderr
    assert "Passed" in second.stdout
    assert (work / "left.inf").read_bytes() == UNFIXABLE  # still there, still unfixable
