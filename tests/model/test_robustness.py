"""Random INFs built from INF vocabulary: the model never raises and stays consistent."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import infmigrate
from infmigrate.engine.model import build_model

from ._load import invariants

NAMES = [
    "A",
    "B",
    "a.nt",
    "A.NTamd64",
    "A.NTamd64.HW",
    "A.NT.Services",
    "DefaultInstall",
    "DefaultInstall.NTarm64",
    "ClassInstall32",
    "Strings",
    "Strings.0407",
    "Strings.x",
    "Manufacturer",
    "M.NTamd64",
    "M.NTx64",
    "M",
    "DestinationDirs",
    "SourceDisksFiles",
    "SourceDisksFiles.amd64",
    "SourceDisksNames",
    "InterfaceInstall32",
    "L",
    "L.security",
    "Svc",
    "Evt",
    "DeviceInstall32",
    "",
]
KEYS = [
    "AddReg",
    "DelReg",
    "BitReg",
    "CopyFiles",
    "DelFiles",
    "RenFiles",
    "Needs",
    "Include",
    "AddService",
    "AddInterface",
    "KmdfService",
    "UmdfService",
    "ServiceBinary",
    "AddSoftware",
    "AddComServer",
    "AddEventProvider",
    "AddDevice",
    "DefaultDestDir",
    "%M%",
    "%Tok%",
    "Tok",
    "{guid}",
    "x.sys",
    "L",
    "A",
]
VALUES = [
    "A",
    "B",
    "M",
    "%Tok%",
    "%%",
    "%",
    "%11%\\x.sys",
    "%%SystemRoot%%\\System32\\x.dll;%12%\\y",
    "@x.sys",
    "NTamd64",
    "NTamd64.10.0...16299",
    "NT$ARCH$",
    "NTx64.1.2.3.4.5.6",
    "12",
    "0x0D",
    "13,sub",
    "HKR",
    "0x10000",
    "0x20000",
    "",
    "Svc",
    "Evt",
    "System",
    "L",
    '"q,uoted"',
    "DefaultInstall",
    "a.nt",
]

entry = st.one_of(
    st.builds(
        lambda k, vs: f"{k} = {', '.join(vs)}",
        st.sampled_from(KEYS),
        st.lists(st.sampled_from(VALUES), max_size=6),
    ),
    st.builds(lambda vs: ", ".join(vs), st.lists(st.sampled_from(VALUES), min_size=1, max_size=7)),
    st.sampled_from(["[unclosed", "; comment", "   ", "x = \\", "=", ",,,"]),
)
section = st.builds(
    lambda name, body: f"[{name}]\n" + "\n".join(body),
    st.sampled_from(NAMES),
    st.lists(entry, max_size=6),
)
inf = st.builds("\n".join, st.lists(section, max_size=12))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(inf)
def test_random_infs(text: str):
    model = build_model(infmigrate.parse(text.encode("utf-8")))
    assert invariants(model) == []
    for fl in model.file_lists:
        assert fl.destination is not None
