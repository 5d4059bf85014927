"""A driver package of many registry values, read by its code (issue 18): time of the
command at 1x/2x/4x/8x.

``bench/scaling.py``, ``bench/sweep.py`` and ``bench/formats.py`` give the INF alone;
this shape adds the code rules (ISO100-ISO119) and the joining of code and INF findings
(issue 17, :mod:`infmigrate.cli.link`): an INF writing N values under
``HKLM\\...\\Services\\contoso\\Parameters`` (N ISO020 findings) and one C file of N
functions, each reading one of the values with ``RtlQueryRegistryValues`` on the
RegistryPath (N ISO102 findings, each joined with the INF line writing its value). The
shape is made from ``fixtures/cli/linked_package`` (one value, one function).

Each size runs in a fresh ``infmigrate --no-cache -j 1 DIR`` (its wall seconds and
maximum RSS); a growth over 3x per doubling (above 0.5 s) is printed ``SUPERLINEAR`` and
makes the exit status 1. Found with it (stop 29): the code rules compared each call with
every call of the file (ISO102's builders of a path, ISO103's object attributes), the
reader each ``#define`` with every string, and the join each INF value with every code
read and each code finding with every call and string: 2,000 -> 4,000 functions took
3.1 -> 8.8 s (now 1.6 -> 3.2 s).

``--shape one-function`` (stop 31): the same INF, and the N reads in one C function,
each on the path built so far from the RegistryPath (one more step before each read)
and each followed by a key open on object attributes set up again from that path (N
ISO102 and N ISO103 findings). ISO102 and ISO103 looked, for each call, at every call of its
function, and listed every step that built the path; the join linked every read with
every value the function names (2N x N links, each a sentence): 2,000 reads took 94 s and
12 GB, 4,000 were killed at 24 GB; now 2.4 s (115 MB) and 5.1 s (188 MB), each message
naming five steps or ten linked places and counting the others.

Run it with ``bench/run.sh linked`` or ``python bench/linked.py [--count N] [--shape
functions|one-function]``.
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
from pathlib import Path

from scaling import REPO, timed_command

PACKAGE = REPO / "fixtures" / "cli" / "linked_package"
#: The fixture's line writing the one value, and the value's name.
_WRITE = (
    "HKLM,System\\CurrentControlSet\\Services\\contoso\\Parameters,SampleRate,0x00010001,48000\r\n"
)
_VALUE = "SampleRate"
#: Functions (and values) at 1x.
COUNT = 1000
GOAL_GROWTH = 3.0
NOISE_S = 0.5


def make_package(n: int, into: Path) -> int:
    """The package with ``n`` values and functions in ``into``; its size in bytes."""
    if into.exists():
        shutil.rmtree(into)
    (into / "driver").mkdir(parents=True)
    inf = (PACKAGE / "contoso.inf").read_bytes().decode("latin-1")
    if _WRITE not in inf:
        raise SystemExit(f"bench/linked.py: {PACKAGE / 'contoso.inf'} no longer has {_WRITE!r}")
    writes = "".join(_WRITE.replace(_VALUE, f"Value{i}") for i in range(n))
    (into / "contoso.inf").write_bytes(inf.replace(_WRITE, writes).encode("latin-1"))
    code = (PACKAGE / "driver" / "registry.c").read_text(encoding="utf-8")
    head, function = code.split("NTSTATUS\n", 1)
    functions = "".join(
        ("NTSTATUS\n" + function).replace("ReadParameters", f"Read{i}").replace(_VALUE, f"Value{i}")
        for i in range(n)
    )
    (into / "driver" / "registry.c").write_text(head + functions, encoding="utf-8")
    return sum(p.stat().st_size for p in into.rglob("*") if p.is_file())


def make_one_function(n: int, into: Path) -> int:
    """The package of :func:`make_package` with its ``n`` reads in one function (see the
    module docstring); its size in bytes."""
    make_package(n, into)
    code = (PACKAGE / "driver" / "registry.c").read_text(encoding="utf-8")
    head = code.split("NTSTATUS\n", 1)[0]
    steps = "".join(
        f"    RtlAppendUnicodeToString(&path, RegistryPath->Buffer);\n"
        f'    table[0].Name = L"Value{i}";\n'
        "    status = RtlQueryRegistryValues(RTL_REGISTRY_ABSOLUTE, path.Buffer, table, NULL,"
        " NULL);\n"
        f"    InitializeObjectAttributes(&attributes, &path, OBJ_KERNEL_HANDLE, NULL, NULL);\n"
        f"    status = ZwOpenKey(&key, KEY_READ, &attributes);\n"
        for i in range(n)
    )
    body = (
        "NTSTATUS\nReadAll(_In_ PUNICODE_STRING RegistryPath)\n{\n"
        "    UNICODE_STRING path;\n    OBJECT_ATTRIBUTES attributes;\n    HANDLE key;\n"
        "    ULONG rate = 0;\n    NTSTATUS status = STATUS_SUCCESS;\n"
        "    RTL_QUERY_REGISTRY_TABLE table[2] = {0};\n"
        "    table[0].Flags = RTL_QUERY_REGISTRY_DIRECT;\n    table[0].EntryContext = &rate;\n"
        f"{steps}    return status;\n}}\n"
    )
    (into / "driver" / "registry.c").write_text(head + body, encoding="utf-8")
    return sum(p.stat().st_size for p in into.rglob("*") if p.is_file())


SHAPES = {"functions": make_package, "one-function": make_one_function}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--count", type=int, default=COUNT, help="functions and values at 1x")
    ap.add_argument("--shape", choices=list(SHAPES), default="functions", help="the C code")
    args = ap.parse_args(argv)
    make = SHAPES[args.shape]
    flagged: list[str] = []
    print(f"{'size':>10} {'MB':>8} {'s':>8} {'RSS MB':>8} {'growth':>8}")
    previous: float | None = None
    with tempfile.TemporaryDirectory(prefix="infmigrate-linked-") as tmp:
        for factor in (1, 2, 4, 8):
            n = args.count * factor
            size = make(n, Path(tmp) / f"p{n}")
            secs, rss, status = timed_command(["--no-cache", "-j", "1", str(Path(tmp) / f"p{n}")])
            growth = secs / previous if previous else 0.0
            print(
                f"{factor}x {n:>7} {size / 1e6:8.2f} {secs:8.2f} {rss / 1e6:8.1f} {growth:7.2f}x",
                flush=True,
            )
            if status not in (0, 1):
                flagged.append(f"{n}: exit {status}")
            if previous is not None and secs > NOISE_S and growth > GOAL_GROWTH:
                flagged.append(f"{factor}x: SUPERLINEAR, {growth:.2f}x a doubling")
            previous = secs
    for line in flagged:
        print(line)
    return 1 if flagged else 0


if __name__ == "__main__":
    raise SystemExit(main())
