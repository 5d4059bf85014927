"""Work per finding does not grow with the line it is on (issue 18, defect 2).

Speed itself is measured by ``bench/scaling.py``, never by timed assertions; these tests
count the work that made a long line quadratic: printing the whole line for each finding.
"""

from __future__ import annotations

from unittest import mock

import pytest

from infmigrate.engine.catalog import all_rules
from infmigrate.engine.edits import apply_edits
from infmigrate.engine.problems import SYNTAX_CODES
from infmigrate.engine.processing import FileOptions, process
from infmigrate.engine.syntax import Entry
from tests.bench_modules import load_bench
from tests.calls import counted

#: ``bench/scaling.py``'s shapes by name: the INF text for a count, as bytes.
SHAPES = {
    name: (lambda n, make=make: make(n).encode("ascii"))
    for name, (make, *_) in load_bench("scaling").SHAPES.items()
}

_HEAD = (
    '[Version]\r\nSignature = "$WINDOWS NT$"\r\nClass = Sample\r\n'
    "ClassGuid = {78A1C341-4539-11d3-B88D-00C04FAD5171}\r\nProvider = %Mfg%\r\n"
    "DriverVer = 01/01/2026,1.0.0.0\r\n\r\n[DestinationDirs]\r\nDefaultDestDir = 12\r\n\r\n"
)


def _copyfiles_line(n: int) -> bytes:
    names = ",".join(f"L{i}" for i in range(n))
    return (
        _HEAD + f"[DefaultInstall.NTamd64]\r\nCopyFiles = {names}\r\n\r\n"
        '[Strings]\r\nMfg = "Sample"\r\n'
    ).encode("ascii")


def _printed_long_lines(n: int) -> tuple[int, int]:
    """(findings on the CopyFiles line, times that line was printed) for ``n`` names."""
    original = Entry._codegen
    printed = 0

    def counting(self: Entry, out: list[str]) -> None:
        nonlocal printed
        if len(self.fields) >= n:
            printed += 1
        original(self, out)

    options = FileOptions(tuple(all_rules()), frozenset(SYNTAX_CODES))
    with mock.patch.object(Entry, "_codegen", counting):
        result = process(_copyfiles_line(n), "long.inf", options, want_fix=True, want_diff=True)
    assert not result.error
    on_line = sum(1 for d in result.diagnostics if d.line == 12)
    return on_line, printed


def test_a_long_line_is_printed_a_bounded_number_of_times() -> None:
    findings, printed = _printed_long_lines(300)
    # one finding names the lists whose sections do not exist (a finding per name was the
    # shape that was quadratic, and the one that cost an object per name)
    assert findings == 1
    # printed for the file's text, the diff, and once per rule that reports on it, not
    # once per finding
    assert printed < 30
    assert _printed_long_lines(600) == (findings, printed)


def test_the_finding_of_a_long_line_names_ten_lists_and_counts_the_rest() -> None:
    options = FileOptions(tuple(all_rules()), frozenset(SYNTAX_CODES))
    result = process(_copyfiles_line(500), "long.inf", options, want_fix=False)
    (finding,) = [d for d in result.diagnostics if d.line == 12]
    assert finding.code == "ISO001"
    assert finding.message.startswith(
        "file lists L0, L1, L2, L3, L4, L5, L6, L7, L8, L9 and 490 more"
    )
    assert len(finding.message) < 300


def _work_per_round(n: int) -> dict[str, int]:
    """Objects and calls while one long line of ``n`` missing lists is processed (checked
    and fixed: the fix adds PnpLockdown, so the rules run on two trees)."""
    from infmigrate.engine.model import build as model_build
    from infmigrate.engine.model import references
    from infmigrate.rules.placement import _driver_store

    counts = {"models": 0, "accumulators": 0, "list accumulators": 0, "list plans": 0}
    originals = {
        "models": model_build._build,
        "accumulators": references._Acc.__init__,
        "list accumulators": references._ListAcc.__init__,
        "list plans": _driver_store.ListPlan.__init__,
    }

    def counting(what: str):  # type: ignore[no-untyped-def]
        def wrapper(*args, **kwargs):  # type: ignore[no-untyped-def]
            counts[what] += 1
            return originals[what](*args, **kwargs)

        return wrapper

    options = FileOptions(tuple(all_rules()), frozenset(SYNTAX_CODES))
    with (
        mock.patch.object(model_build, "_build", counting("models")),
        mock.patch.object(references._Acc, "__init__", counting("accumulators")),
        mock.patch.object(references._ListAcc, "__init__", counting("list accumulators")),
        mock.patch.object(_driver_store.ListPlan, "__init__", counting("list plans")),
    ):
        result = process(_copyfiles_line(n), "long.inf", options, want_fix=True, want_diff=True)
    assert not result.error and result.changed
    return counts


def test_a_name_on_a_long_line_costs_no_accumulator_plan_or_second_model() -> None:
    """Issue 18: each name of a CopyFiles line cost a reference and a list accumulator
    (dictionaries each), a full list plan, and the model was built again after each round
    to print the target. Now: one model a round (two rounds: check, then the fixed tree),
    and nothing per name but the model's reference and list and a one-reason plan."""
    small, large = _work_per_round(200), _work_per_round(400)
    assert small == large
    assert small["models"] == 2
    assert small["list accumulators"] == 0
    assert small["list plans"] == 0


def _lists_copied_to_drivers(n: int, *, paths: bool = False) -> bytes:
    """``n`` file lists, each with its own ``[DestinationDirs]`` entry to DIRID 12: one
    fixable ISO001 finding per list; ``paths``: a registry value names each file by its
    path too. The DefaultInstall is decorated for 16299, so that each fix is a plain move
    (a downlevel branch would copy the shared install section, whose CopyFiles names all
    ``n`` lists, into each fix)."""
    dirs = "".join(f"F{i} = 12\r\n" for i in range(n))
    reg = "".join(f'HKR,,P{i},,"%12%\\f{i}.sys"\r\n' for i in range(n))
    disk = "".join(f"f{i}.sys = 1\r\n" for i in range(n))
    names = ",".join(f"F{i}" for i in range(n))
    lists = "".join(f"[F{i}]\r\nf{i}.sys\r\n\r\n" for i in range(n))
    head = _HEAD.replace("DefaultDestDir = 12\r\n", dirs)
    return (
        head
        + '[SourceDisksNames]\r\n1 = "Disk"\r\n\r\n[SourceDisksFiles]\r\n'
        + disk
        + f"\r\n[DefaultInstall.NTamd64.10.0...16299]\r\nCopyFiles = {names}\r\n"
        + ("AddReg = R\r\n\r\n[R]\r\n" + reg if paths else "")
        + "\r\n"
        + lists
        + '[Strings]\r\nMfg = "Sample"\r\n'
    ).encode("ascii")


def _text_changes_work(n: int) -> tuple[int, int]:
    """(fixable findings, characters printed for them) when the output formats ask for
    the text changes of every fixable finding of a file of ``n`` lists; each result is
    checked against applying the fix to the whole tree and diffing the whole file."""
    from infmigrate.diffs.linediff import changes
    from infmigrate.output import suggestions

    options = FileOptions(tuple(all_rules()), frozenset(SYNTAX_CODES))
    result = process(_lists_copied_to_drivers(n), "lists.inf", options, want_fix=True)
    assert result.tree is not None
    tree = result.tree
    fixable = [d for d in result.diagnostics if d.fix is not None]
    assert len(fixable) >= n
    original = suggestions.physical_lines
    split: list[str] = []

    def counting(text: str) -> list[str]:
        split.append(text)
        return original(text)

    with mock.patch.object(suggestions, "physical_lines", counting):
        got = [suggestions.fix_text_changes(tree, d.fix) for d in fixable if d.fix is not None]
    assert split.count(tree.code) == 1  # the original, once for all the fixes
    old = original(tree.code)
    for d, text_changes in zip(fixable, got, strict=True):
        assert d.fix is not None
        new = original(apply_edits(tree, d.fix.edits).code)
        assert list(text_changes.old) == old and list(text_changes.new) == new
        assert text_changes.changes == changes(old, new)
        assert text_changes.changes  # every fix changes something
    return len(fixable), sum(len(text) for text in split) - len(tree.code)


def test_fix_text_changes_print_the_touched_lines_only() -> None:
    """Issue 18: the text of each fix is that of the lines it touches, not the whole file
    (applying, printing and diffing the file for each fix was quadratic in the number of
    fixes on a file): twice the lists, twice the findings, about twice the text."""
    findings, printed = _text_changes_work(40)
    findings2, printed2 = _text_changes_work(80)
    assert findings2 >= 2 * findings - 2
    assert printed2 <= 2.2 * printed


def _fold_calls_planning(n: int) -> int:
    """Calls of ``fold`` while the driver-store plans of ``n`` lists are made."""
    from infmigrate.engine.fixer import FixContext
    from infmigrate.engine.syntax import parse
    from infmigrate.rules.placement import _driver_store

    tree = parse(_lists_copied_to_drivers(n, paths=True))
    ctx = FixContext(tree)
    assert ctx.model is not None  # built before counting
    calls = 0
    original = _driver_store.fold

    def counting(text: str) -> str:
        nonlocal calls
        calls += 1
        return original(text)

    with mock.patch.object(_driver_store, "fold", counting):
        result = ctx.analysis(_driver_store.DriverStorePlans)
    assert len(result.legacy) == n
    assert all(plan.uses for plan in result.legacy)  # every list's file is named by a path
    return calls


def test_planning_looks_up_each_list_instead_of_scanning_every_list() -> None:
    """Issue 18: planning a list with its own [DestinationDirs] entry scanned every
    DelFiles/RenFiles directive of the file, and every list scanned every path of the
    file: quadratic in the number of lists. Twice the lists, about twice the work."""
    assert _fold_calls_planning(80) <= 2.2 * _fold_calls_planning(40)


def _fold_calls_delfiles(n: int) -> int:
    """Calls of ``fold`` by the model's lookups while the rules check a DelFiles line of
    ``n`` lists (ISO007 looks up the list of each name)."""
    from infmigrate.engine.model import build as model_build
    from infmigrate.engine.runner import check
    from infmigrate.engine.syntax import parse

    tree = parse(_copyfiles_line(n).replace(b"CopyFiles = ", b"DelFiles = "))
    calls = 0
    original = model_build.fold

    def counting(text: str) -> str:
        nonlocal calls
        calls += 1
        return original(text)

    with mock.patch.object(model_build, "fold", counting):
        found = check(tree, all_rules())
    assert sum(1 for d in found if d.code == "ISO007") == n
    return calls


def test_a_long_delfiles_line_looks_each_list_up() -> None:
    """Issue 18: ISO007 looked up the list of each name of a DelFiles line by scanning
    every list of the file (a 13,000-name line took 8 s, twice that 33 s)."""
    assert _fold_calls_delfiles(600) <= 2.2 * _fold_calls_delfiles(300)


def test_a_long_delfiles_line_has_one_fix() -> None:
    """Issue 18: each name of a DelFiles line had a fix of its own, each re-printing the
    whole line without its value (checking 2,000 names took 19 s), and the runner applied
    one a round: 12 names or more never converged. The line's findings share one fix."""
    from infmigrate.engine.fixer import Settings
    from infmigrate.engine.runner import check, fix
    from infmigrate.engine.syntax import parse

    tree = parse(_copyfiles_line(300).replace(b"CopyFiles = ", b"DelFiles = "))
    found = [d for d in check(tree, all_rules()) if d.code == "ISO007"]
    assert len(found) == 300
    assert len({id(d.fix) for d in found}) == 1
    fixed = fix(tree, all_rules(), Settings(unsafe_fixes=True)).fixed
    assert "DelFiles" not in fixed.code


def test_default_dest_dir_blockers_of_missing_lists_are_read_on_their_line() -> None:
    """ISO001's DefaultDestDir finding: the lists that do not exist are marked on the line
    naming them instead of collected by name (issue 18: the set of names cost 6 times a
    long line); a field written otherwise than the list's name (padded, a no-break space,
    a stampinf variable), a line no install reaches and a name differing in case still
    read as before (the text is the one of the name-set code, 5f308e4)."""
    from infmigrate.engine.runner import check
    from infmigrate.engine.syntax import parse

    text = (
        _HEAD.replace("DriverVer", "PnpLockdown = 1\r\nDriverVer")
        + '[DefaultInstall.NTamd64]\r\nCopyFiles = A, , " B ", C$X$, D\xa0, b\r\n'
        "CopyFiles = E\r\n\r\n[Other]\r\nCopyFiles = A, Z, b, D, e\r\n"
    )
    (found,) = [d for d in check(parse(text.encode("latin-1")), all_rules()) if d.line == 10]
    assert found.message == (
        "DefaultDestDir is DIRID 12 (System32\\drivers), not the driver store (DIRID 13); "
        "it cannot move yet: A: section [A] does not exist;  B : section [ B ] does not "
        "exist; C$X$: section [C$X$] does not exist; D\xa0: section [D\xa0] does not exist; "
        "b: section [b] does not exist; E: section [E] does not exist; "
        "DefaultInstall.NTamd64 line 13 names a list through a string or a stampinf "
        "variable that does not resolve; CopyFiles [D] (DefaultInstall.NTamd64 line 13) "
        "relies on it and is in a section no install of this INF reaches; CopyFiles [Z] "
        "(Other line 17) relies on it and is in a section no install of this INF reaches; "
        "CopyFiles [D] (Other line 17) relies on it and is in a section no install of this "
        "INF reaches"
    )


def test_the_light_plan_of_a_missing_list_sets_every_field() -> None:
    # A plan made without its containers (a line naming thousands of missing lists) must
    # still answer every field a rule or the planner reads.
    from dataclasses import fields

    import infmigrate
    from infmigrate.engine.fixer import Applicability
    from infmigrate.engine.model import build_model
    from infmigrate.rules.placement._driver_store import ListPlan, _plan_without_files

    model = build_model(infmigrate.parse(b"[DefaultInstall]\nCopyFiles = Missing\n"))
    (fl,) = model.file_lists
    plan = _plan_without_files(fl)
    for f in fields(ListPlan):
        getattr(plan, f.name)  # raises AttributeError for a slot left unset
    # and what ListPlan works out from them, as a full plan with the same fields would
    assert not plan.movable and plan.blocked[0] == "section [Missing] does not exist"
    assert list(plan.blocked) == [plan.reason()] == ["section [Missing] does not exist"]
    assert plan.blocked[-1:] == [plan.blocked[-1]] and len(plan.blocked) == 1
    assert plan.groups == {} and plan.destination is fl.destination
    assert plan.applicability is Applicability.SAFE


def _lists_inf(n: int, shape: str) -> bytes:
    """A DDInstall whose CopyFiles line names ``n`` lists: ``branch``, each list with its
    own DIRID 11 entry, installed on every build (NTamd64: a downlevel branch); ``arch``,
    the lists in the driver store root, their files in the arm and arm64 folders (a
    split by architecture); ``folder``, the lists in the driver store root, their files
    in the x64 folder (an entry ``Ln = 13,x64`` each); ``fallback``, no DefaultDestDir
    (System32 by fallback: an entry ``Ln = 13`` each, ISO012)."""
    names = ",".join(f"L{i}" for i in range(n))
    if shape == "branch":
        dirs = "".join(f"L{i} = 11\r\n" for i in range(n))
        disks = "[SourceDisksFiles]\r\n" + "".join(f"f{i}.dll = 1\r\n" for i in range(n))
        mfg = "%Mfg% = Cx,NTamd64\r\n\r\n[Cx.NTamd64]\r\n%Mfg% = Cx_Inst, ROOT\\CX\r\n"
    elif shape in ("folder", "fallback"):
        dirs = "DefaultDestDir = 13\r\n" if shape == "folder" else "Unused = 13\r\n"
        sub = ",x64" if shape == "folder" else ""
        disks = "[SourceDisksFiles]\r\n" + "".join(f"f{i}.dll = 1{sub}\r\n" for i in range(n))
        mfg = "%Mfg% = Cx,NTamd64.10.0...16299\r\n\r\n"
        mfg += "[Cx.NTamd64.10.0...16299]\r\n%Mfg% = Cx_Inst, ROOT\\CX\r\n"
    else:
        dirs = "DefaultDestDir = 13\r\n"
        disks = "".join(
            f"[SourceDisksFiles.{arch}]\r\n" + "".join(f"f{i}.dll = 1,{arch}\r\n" for i in range(n))
            for arch in ("arm", "arm64")
        )
        mfg = "".join(
            f"%Mfg% = Cx,NTarm,NTarm64\r\n\r\n[Cx.NT{arch}]\r\n%Mfg% = Cx_Inst, ACPI\\CX\r\n\r\n"
            if arch == "arm"
            else f"[Cx.NT{arch}]\r\n%Mfg% = Cx_Inst, ACPI\\CX\r\n"
            for arch in ("arm", "arm64")
        )
    lists = "".join(f"[L{i}]\r\nf{i}.dll\r\n\r\n" for i in range(n))
    return (
        _HEAD.replace("DefaultDestDir = 12\r\n", dirs)
        + f"[SourceDisksNames]\r\n1 = Disk\r\n\r\n{disks}\r\n[Manufacturer]\r\n{mfg}\r\n"
        + f"[Cx_Inst.NT]\r\nCopyFiles = {names}\r\n\r\n{lists}"
        + '[Strings]\r\nMfg = "Sample"\r\n'
    ).encode("ascii")


@pytest.mark.parametrize(
    ("shape", "code"),
    [("branch", "ISO001"), ("arch", "ISO006"), ("folder", "ISO006"), ("fallback", "ISO012")],
)
def test_a_copyfiles_line_of_many_split_lists_has_one_fix(shape: str, code: str) -> None:
    """Issue 18: each list of a CopyFiles line had a split of its own (a downlevel branch,
    a split by architecture), each rewriting the lines they share (the branch's CopyFiles
    line, the end of [DestinationDirs]), and the runner applied one a round: 12 lists or
    more never converged. The lists split together, in one fix their findings share, and
    a file takes the same rounds whatever the number of lists. So do lists relying on
    DefaultDestDir that each get an entry of their own at the end of [DestinationDirs]
    (``folder``; found by the fuzz campaign of the fix above)."""
    from infmigrate.engine.fixer import Settings
    from infmigrate.engine.runner import check, fix
    from infmigrate.engine.syntax import parse

    rounds = []
    for n in (3, 40):
        tree = parse(_lists_inf(n, shape))
        found = [d for d in check(tree, all_rules()) if d.code == code]
        assert len(found) == n
        assert len({id(d.fix) for d in found}) == 1
        result = fix(tree, all_rules(), Settings())
        assert not [d for d in result.remaining if d.code == code]
        rounds.append(result.rounds)
    assert rounds[0] == rounds[1] <= 3


@pytest.mark.parametrize("n", [100, 400])
def test_lists_on_lines_of_their_own_weigh_their_joint_fix_once(n: int) -> None:
    """Issue 18, stop 26: N lists each on a CopyFiles line of its own share one fix (the
    planner's joint edits, N findings); choosing the round's fixes gathered its targets
    once per finding (N x N), and the diff of its 7N added lines went past Myers' bound to
    difflib, quadratic on it. The fix's targets are gathered a bounded number of times
    whatever N, and the diff never reaches difflib."""
    from infmigrate.diffs import linediff
    from infmigrate.engine.fixer import Fix

    options = FileOptions(tuple(all_rules()), frozenset(SYNTAX_CODES))
    with (
        counted(Fix, "targets") as calls,
        mock.patch.object(linediff.difflib, "SequenceMatcher", None),
    ):
        result = process(
            SHAPES["copyfiles-lines"](n), "lines.inf", options, want_fix=True, want_diff=True
        )
    assert not result.error and result.changed
    assert len(result.applied) >= 1 and result.diff_output
    assert result.diff_output.count(b"\n+[L") == n  # each list's new section
    assert calls.count < 10


def test_renaming_every_field_of_a_long_line_reads_the_line_once() -> None:
    """Issue 18, stop 26: a fix renaming N lists of one line rebuilt the line for each
    field (with_field per field, and quote_field reading the line's key and fields for
    each): 2,000 lists took 19.6 s. The line is rebuilt once, and quote_field is asked
    only for a first field."""
    from infmigrate.engine import clone

    options = FileOptions(tuple(all_rules()), frozenset(SYNTAX_CODES))
    with counted(clone, "quote_field") as quoted:
        result = process(SHAPES["renamed-lists"](300), "sub.inf", options, want_fix=True)
    assert not result.error and result.changed
    assert result.fixed is not None
    assert b",".join(b"L%d_16299" % i for i in range(300)) in result.fixed  # the new line
    assert quoted.count < 5


def _one_file(n: int, *, folders: bool, lists: bool) -> bytes:
    """One file copied ``n`` times to System32\\drivers: by ``n`` lists (each to a folder
    of its own when ``folders``), or ``n`` times by one list (not ``lists``)."""
    if lists:
        dirs = "".join(f"L{i} = 12{f',sub{i}' if folders else ''}\r\n" for i in range(n))
        sections = "".join(f"[L{i}]\r\nf.sys\r\n\r\n" for i in range(n))
        names = ",".join(f"L{i}" for i in range(n))
    else:
        dirs, sections, names = "L0 = 12\r\n", "[L0]\r\n" + "f.sys\r\n" * n + "\r\n", "L0"
    return (
        _HEAD.replace("DefaultDestDir = 12\r\n", dirs).replace(
            "\r\n\r\n[Dest", "\r\nPnpLockdown = 1\r\n\r\n[Dest"
        )
        + '[SourceDisksNames]\r\n1 = "Disk"\r\n\r\n[SourceDisksFiles]\r\nf.sys = 1\r\n\r\n'
        + f"[DefaultInstall.NTamd64]\r\nCopyFiles = {names}\r\n\r\n"
        + sections
        + '[Strings]\r\nMfg = "Sample"\r\n'
    ).encode("ascii")


@pytest.mark.parametrize(
    ("folders", "lists"),
    [(False, True), (True, True), (False, False)],
    ids=["lists", "folders", "copies"],
)
def test_a_file_copied_many_times_is_weighed_against_each_profile_once(
    folders: bool, lists: bool
) -> None:
    """Issue 18, stop 26: each copy of a file was weighed (architectures, builds) against
    every list copying it elsewhere, and a list copying it N times was entered N times:
    1,000 lists copying one file took 11-17 s, one list naming it 2,000 times 43 s. The
    weighing is kept per name and pair of install profiles when many lists copy the name,
    and made again per copy when few do: a bounded number of times per copy and place."""
    from infmigrate.rules.placement import _driver_store

    options = FileOptions(tuple(all_rules()), frozenset(SYNTAX_CODES))
    for n in (150, 300):
        with counted(_driver_store, "_meet") as meet:
            result = process(
                _one_file(n, folders=folders, lists=lists), "f.inf", options, want_fix=True
            )
        assert not result.error
        assert meet.count < 2 * n + 20


def _services_of_one_list(n: int) -> bytes:
    """``n`` services whose binaries one list copies to System32\\drivers, and a registry
    value naming each binary there."""
    services = "".join(f"AddService = S{i},0x00000002,SI{i}\r\n" for i in range(n))
    installs = "".join(
        f"[SI{i}]\r\nServiceType = 1\r\nStartType = 3\r\nErrorControl = 1\r\n"
        f"ServiceBinary = %12%\\f{i}.sys\r\n\r\n"
        for i in range(n)
    )
    values = "".join(f'HKR,,P{i},,"%12%\\f{i}.sys"\r\n' for i in range(n))
    files = "".join(f"f{i}.sys\r\n" for i in range(n))
    disk = "".join(f"f{i}.sys = 1\r\n" for i in range(n))
    return (
        _HEAD.replace("DefaultDestDir = 12\r\n", "F = 12\r\n").replace(
            "\r\n\r\n[Dest", "\r\nPnpLockdown = 1\r\n\r\n[Dest"
        )
        + f'[SourceDisksNames]\r\n1 = "Disk"\r\n\r\n[SourceDisksFiles]\r\n{disk}\r\n'
        + "[DefaultInstall.NTamd64]\r\nCopyFiles = F\r\nAddReg = R\r\n\r\n"
        + f"[DefaultInstall.NTamd64.Services]\r\n{services}\r\n[F]\r\n{files}\r\n"
        + f"[R]\r\n{values}\r\n{installs}"
        + '[Strings]\r\nMfg = "Sample"\r\n'
    ).encode("ascii")


def test_the_findings_about_one_moved_list_share_its_fix() -> None:
    """Issue 18, stop 26: ISO002 (each service binary of the list), ISO003 (each registry
    value naming a file of it) made a fix each of the list's whole move: N fixes of N
    edits, quadratic (2,000 services took 32 s). They share one fix, as ISO001's do."""
    from infmigrate.engine.runner import check
    from infmigrate.engine.syntax import parse

    found = check(parse(_services_of_one_list(40)), list(all_rules()))
    for code in ("ISO002", "ISO003"):
        fixes = {id(d.fix) for d in found if d.code == code and d.fix is not None}
        assert sum(d.code == code for d in found) == 40
        assert len(fixes) == 1, code


def test_one_service_of_many_devices_is_compared_in_linear_work() -> None:
    """Issue 18, stop 26: ISO041 compared each service-install section of one service
    with every earlier one (and each directive's value again each time), and each
    install's floor scanned every service: 2,000 devices took 19.3 s. Each directive is
    judged a bounded number of times per section."""
    from infmigrate.engine.runner import check
    from infmigrate.engine.syntax import parse
    from infmigrate.rules.registry import conflicting_settings

    for n in (100, 200):
        with counted(conflicting_settings, "_coexist") as judged:
            found = check(parse(SHAPES["one-service"](n)), list(all_rules()))
        # StartType differs from an earlier section's in 3 of 4 sections: a finding each
        assert sum(d.code == "ISO041" for d in found) == n - 1
        assert judged.count < 2 * n


def test_the_cleanup_fixes_of_many_delfiles_lines_read_each_line_once() -> None:
    """Issue 18, stop 26: each ISO007 fix (one per DelFiles line) read every directive
    of the file for the others naming its lists and for what still names them, and each
    finding every blocked plan: 4,000 lines took 49 s. The file's directives are read
    once a round, by the names they give, and each fix looks its names up."""
    from infmigrate.engine.runner import check
    from infmigrate.engine.syntax import parse
    from infmigrate.rules.placement import _cleanup

    for n in (100, 200):
        with counted(_cleanup, "_folded") as folded:
            found = check(parse(SHAPES["delfiles-lines"](n)), list(all_rules()))
        assert sum(d.code == "ISO007" and d.fix is not None for d in found) == n
        assert folded.count < 8 * n


def _long_line_cuts(n: int) -> tuple[int, int]:
    """(ISO011 findings, times the fields of the [Manufacturer] line of ``n`` decorations
    were cut or its spans unpacked for a key) in a run of ``bench/sweep.py``'s
    ``builds-driver-store``."""
    make, _ = load_bench("sweep").SWEEP["builds-driver-store"]
    fields, key_node = Entry.fields, Entry.key_node
    cuts = 0

    def counting(prop: property) -> property:
        def get(self: Entry) -> object:
            nonlocal cuts
            if len(self[2]) >= n:
                cuts += 1
            return prop.fget(self)  # type: ignore[misc]

        return property(get)

    options = FileOptions(tuple(all_rules()), frozenset(SYNTAX_CODES))
    with (
        mock.patch.object(Entry, "fields", counting(fields)),
        mock.patch.object(Entry, "key_node", counting(key_node)),
    ):
        result = process(make(n).encode("ascii"), "b.inf", options, want_fix=True, want_diff=True)
    assert not result.error
    return sum(1 for d in result.diagnostics if d.code == "ISO011"), cuts


def test_decorations_of_one_manufacturer_line_cut_it_a_fixed_number_of_times() -> None:
    """Issue 18 (stop 28): each of the thousands of ISO011 findings on one [Manufacturer]
    line cut the line's fields (to plan its decoration, quote it and find its column) and
    rewrote the whole line: quadratic. The work on the line no longer grows with it."""
    small, big = _long_line_cuts(100), _long_line_cuts(200)
    assert small[0] == 100 and big[0] == 200
    assert big[1] == small[1] < 20
