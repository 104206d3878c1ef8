"""Kinds of referral (移送) and the jurisdiction of administrative cases by level.

人民检察院公益诉讼办案规则 (2021-07-01): a lead another body must handle is transferred to it:
to the competent procuratorate (移送管辖, arts. 16-19), to an administrative agency, or, when
it shows a crime, to the police (犯罪线索移送公安机关); procuratorates also assist each other
(协作). Art. 13: an administrative public-interest case is filed by the procuratorate at the
level of the agency it concerns (行政机关对应的同级人民检察院); township governments answer to
the county level.
"""

REFERRAL_KINDS: dict[str, tuple[str, str]] = {
    "jurisdiction": ("移送管辖", "transfer to the competent procuratorate"),
    "cooperation": ("协作", "cooperation with another procuratorate"),
    "agency": ("移送行政机关", "transfer to an administrative agency"),
    "criminal_clue": ("移送犯罪线索", "criminal clue to the police"),
}
# Kinds that go to a procuratorate on the platform (it answers them itself); the others go to
# a body outside it, named as the receiver, whose answers the sender records.
TO_PROCURATORATE = ("jurisdiction", "cooperation")
# Kinds that hand the lead over: only after one is recorded may the lead be closed as
# transferred (已移送).
HANDING_OVER = ("jurisdiction", "agency", "criminal_clue")

AGENCY_LEVELS: dict[str, tuple[str, str]] = {
    "national": ("国家级", "national"),
    "provincial": ("省级", "provincial"),
    "city": ("市级", "city"),
    "county": ("县级", "county"),
    "township": ("乡镇级", "township"),
}
# The procuratorate level that files a case against an agency of each level (art. 13).
PROCURATORATE_FOR = {
    "national": "national",
    "provincial": "province",
    "city": "city",
    "county": "county",
    "township": "county",
}
PROCURATORATE_LEVELS = {"national": "最高", "province": "省级", "city": "市级", "county": "县级"}


def jurisdiction_note(org_level: str, agency_level: str | None) -> str | None:
    """A note when the procuratorate is not at the agency's level (art. 13), else None."""
    if agency_level is None:
        return None
    wanted = PROCURATORATE_FOR[agency_level]
    if org_level == wanted:
        return None
    return (
        f"行政机关为{AGENCY_LEVELS[agency_level][0]}，依人民检察院公益诉讼办案规则第十三条应由"
        f"{PROCURATORATE_LEVELS.get(wanted, wanted)}人民检察院立案管辖（可移送管辖或经上级"
        f"指定） (the agency is {AGENCY_LEVELS[agency_level][1]}: the {wanted}-level "
        "procuratorate files the case, art. 13; transfer it or have it assigned)"
    )
