"""Property tests: random INF-like text in every encoding round-trips byte for byte, and
the parser sees exactly the sections, keys, values and lines the reference reader sees."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import infmigrate
from tests.reference_reader import read as reference_read

from ._views import first_difference, parser_view

SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])

#: Single characters and short fragments that matter to the INF syntax.
FRAGMENTS = [
    *'[]=,;"\\%',
    *"aZk09_.$",
    " ",
    "\t",
    "\r",
    "\n",
    "\r\n",
    *"äöüßéΩ€中",
    "key",
    "value",
    '""',
    "\\\n",
    " \\ \r\n",
    "\\\\\n",
    "%12%",
    "%%",
    "\n[Sec]\n",
    "\r\n[A b]\r\n",
    "\n  [x;y] tail\n",
    "\n; comment \\\n",
]
#: End-of-content markers; they are inserted rarely (see ``inf_text``).
EOF_MARKS = ["\x1a", "\x00"]

ENCODINGS = [
    ("utf-16-le", b"\xff\xfe"),
    ("utf-16-be", b"\xfe\xff"),
    ("utf-8", b"\xef\xbb\xbf"),
    ("utf-8", b""),
    ("cp1252", b""),
]


@st.composite
def inf_text(draw) -> str:
    parts = draw(st.lists(st.sampled_from(FRAGMENTS), max_size=60))
    if draw(st.booleans()):
        parts.insert(0, "[S]\r\n")  # most files start with a section
    if draw(st.integers(0, 9)) == 0:
        parts.insert(draw(st.integers(0, len(parts))), draw(st.sampled_from(EOF_MARKS)))
    return "".join(parts)


def _encode(text: str, codec: str, bom: bytes) -> bytes:
    if codec == "cp1252":
        text = "".join(ch for ch in text if _encodable(ch, codec))
    return bom + text.encode(codec)


def _encodable(ch: str, codec: str) -> bool:
    try:
        ch.encode(codec)
    except UnicodeEncodeError:
        return False
    return True


def _check_against_reader(data: bytes, inf) -> None:
    encoding, bom, sections = reference_read(data)
    assert (inf.encoding, inf.bom) == (encoding, bom)
    actual = parser_view(inf)
    assert actual == sections, first_difference(actual, sections)


@pytest.mark.parametrize(
    ("codec", "bom"), ENCODINGS, ids=["utf16le-bom", "utf16be-bom", "utf8-bom", "utf8", "cp1252"]
)
@SETTINGS
@given(text=inf_text())
def test_text_round_trips_and_agrees_with_reader(codec: str, bom: bytes, text: str):
    data = _encode(text, codec, bom)
    inf = infmigrate.parse(data)
    assert inf.to_bytes() == data
    _check_against_reader(data, inf)


@SETTINGS
@given(
    prefix=st.sampled_from([b"", b"\xff\xfe", b"\xfe\xff", b"\xef\xbb\xbf"]),
    body=st.binary(max_size=400),
)
def test_raw_bytes_round_trip_or_decode_error(prefix: bytes, body: bytes):
    data = prefix + body
    try:
        inf = infmigrate.parse(data)
    except infmigrate.DecodeError as exc:
        assert str(exc), "DecodeError without a message"
        return
    assert inf.to_bytes() == data
