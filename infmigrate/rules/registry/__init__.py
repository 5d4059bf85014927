"""Registry rules (codes ISO020-ISO049): state written to global HKLM/HKCR paths instead of
HKR. Shared analyses: :mod:`._registry_writes` (every AddReg/DelReg/BitReg line, classified
by where it writes) and :mod:`._registry_report` (wording, API advice, InfVerif codes)."""
