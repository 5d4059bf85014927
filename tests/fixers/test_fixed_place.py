"""The table of consumers that look for a file in a fixed place
(infmigrate/rules/placement/_fixed_place.py)."""

from __future__ import annotations

import pytest

import infmigrate
from infmigrate.engine.model import build_model
from infmigrate.engine.ruledocs import explain
from infmigrate.rules.placement._fixed_place import CONSUMERS, FixedPlaces, recognize

_INF = """\
[Version]
Signature = "$WINDOWS NT$"

[Manufacturer]
Contoso = Prn,NTamd64

[Prn.NTamd64]
"Contoso Printer" = Prn_Inst, CONTOSOPRN

[Prn_Inst]
CopyFiles = Prn.Files
LanguageMonitor = "Contoso Language Monitor,cxmon.dll"
PrintProcessor = "Contoso Print Processor,cxpp.dll"
AddReg = Prn_AddReg

[Prn_AddReg]
HKLM,SYSTEM\\CurrentControlSet\\Control\\Cryptography\\Providers\\%Prov%\\UM,Image,,cxrng.dll
HKLM,SYSTEM\\CurrentControlSet\\Services\\WinSock2\\Parameters\\NameSpace_Catalog5\\Catalog_Entries\\000000000099,LibraryPath,0x20000,"%%SystemRoot%%\\System32\\cxnsp.dll"
HKLM,SYSTEM\\CurrentControlSet\\Control\\Print\\Monitors\\Cx Port,Driver,,cxport.dll
HKR,,HelperDll,,cxhelp.dll

[Strings]
Prov = "Contoso RNG"
"""


def _places() -> FixedPlaces:
    return recognize(build_model(infmigrate.parse(_INF.encode("ascii"))))


@pytest.mark.parametrize(
    ("name", "dirid", "subdir", "plural"),
    [
        ("cxmon.dll", 11, "", "print monitors"),
        ("cxport.dll", 11, "", "print monitors"),
        ("cxpp.dll", 11, "", "print processors"),
        ("CXRNG.DLL", 11, "", "CNG providers"),
        ("cxnsp.dll", 11, "", "Winsock providers"),
        ("x.icm", 11, "", "colour profiles"),
        ("x.icc", 12, "", "colour profiles"),
        ("x.dat", 11, "spool\\drivers\\color", "colour profiles"),
        ("OEMLOGO.BMP", 11, "", "OEM logo or OEM information files"),
        ("x.bmp", 11, "OEM", "OEM logo or OEM information files"),
        ("x.cpl", 11, "", "Control Panel items"),
    ],
)
def test_recognised(name: str, dirid: int, subdir: str, plural: str) -> None:
    consumer = _places().consumer(name, dirid, subdir)
    assert consumer is not None and consumer.plural == plural


@pytest.mark.parametrize(
    ("name", "dirid", "subdir"),
    [
        ("cxhelp.dll", 11, ""),  # a bare name under HKR: ISO004's advice applies
        ("x.dll", 11, ""),
        ("x.bmp", 11, ""),
        ("x.cpl", 12, ""),
        ("x.sys", 12, "UMDF"),
    ],
)
def test_not_recognised(name: str, dirid: int, subdir: str) -> None:
    assert _places().consumer(name, dirid, subdir) is None


def test_every_entry_has_a_microsoft_source() -> None:
    for consumer in CONSUMERS:
        assert consumer.sources and consumer.why and consumer.recognised
        for _, url in consumer.sources:
            assert url.startswith("https://learn.microsoft.com/"), url


@pytest.mark.parametrize("code", ["ISO001", "ISO004"])
def test_explain_documents_the_table_with_sources(code: str) -> None:
    text = explain(code)
    for consumer in CONSUMERS:
        assert consumer.why in text
        for _, url in consumer.sources:
            assert url in text
