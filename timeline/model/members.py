"""Members of an electorate: who may back a candidate or vote.

A member is written by a stable identifier of one of three shapes, told apart by
how they look, so that no race needs to declare which it uses:

- an ISO 3166-1 alpha-2 country code, for bodies of states: ``GB``;
- an external identifier: a capital letter, then capitals and digits, at least
  one digit: a legislator's Bioguide id ``M001165``, a Wikidata item ``Q42``;
- a slug: lower-case letters and digits in groups joined by hyphens:
  ``tx-eric-johnson``.

The set below is the 249 officially assigned codes of ISO 3166-1 (see
https://www.iso.org/iso-3166-country-codes.html, publisher: ISO). Codes that
people often write instead of the ISO one get a suggestion; so does a country
code in lower case (a two-letter slug that reads as a country code is refused).
"""

from __future__ import annotations

import re

ISO_3166_ALPHA2: frozenset[str] = frozenset(
    """
    AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM
    BN BO BQ BR BS BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX
    CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG
    GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR
    IS IT JE JM JO JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV
    LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ NA NC NE
    NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO
    RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF
    TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF
    WS YE YT ZA ZM ZW
    """.split()  # noqa: SIM905 - the codes read best laid out as a table
)

# Codes seen in the wild that are not ISO 3166-1 alpha-2, and the code meant.
_COMMON_MISTAKES: dict[str, str] = {
    "UK": "GB",  # United Kingdom: ISO uses GB
    "EL": "GR",  # Greece: the EU writes EL, ISO uses GR
    "EN": "GB",
    "USA": "US",
    "GBR": "GB",
    "NLD": "NL",
    "DEU": "DE",
    "FRA": "FR",
    "ROU": "RO",
    "HUN": "HU",
    "SVK": "SK",
    "TUR": "TR",
}


_EXTERNAL = re.compile(r"[A-Z][A-Z0-9]{1,31}")
_SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")

#: The longest member identifier accepted.
MAX_MEMBER_LENGTH = 64


def check_member(code: str) -> str:
    """Return ``code`` if it is a member identifier (see the module), else raise
    ``ValueError`` saying what is wrong and, where it can, what was meant."""
    if code in ISO_3166_ALPHA2:
        return code
    upper = code.upper()
    if len(code) == 2 and upper in ISO_3166_ALPHA2:
        raise ValueError(f"unknown member {code!r}: write ISO 3166-1 codes in capitals, {upper!r}")
    hint = _COMMON_MISTAKES.get(upper)
    if hint is not None:
        raise ValueError(f"unknown member {code!r}: the ISO 3166-1 alpha-2 code is {hint!r}")
    if len(code) == 2 and code.isalpha() and code.isupper():
        raise ValueError(f"unknown member {code!r}: not an ISO 3166-1 alpha-2 country code")
    if len(code) <= MAX_MEMBER_LENGTH and (
        (_EXTERNAL.fullmatch(code) and any(c.isdigit() for c in code)) or _SLUG.fullmatch(code)
    ):
        return code
    raise ValueError(
        f"unknown member {code!r}: write an ISO 3166-1 alpha-2 code (GB), an identifier"
        " such as a Bioguide id (M001165) or a slug (tx-eric-johnson)"
    )


def is_country(code: str) -> bool:
    """True when ``code`` is an ISO 3166-1 alpha-2 country code."""
    return code in ISO_3166_ALPHA2
