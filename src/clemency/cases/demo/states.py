"""One synthetic demo case per state added by issue #16, each showing a typical determination.

Every person here is fictitious: ``is_synthetic`` is true, references start with ``SYN-``
and names say "Synthetic". Each case carries the facts its state's ruleset reads, asserted with
the source "synthetic demo", and a draft petition so that the state's packet can be produced.
The determination each case is meant to show is in its ``summary`` (and checked by
``tests/integration/store/test_state_demo.py`` from the law, not from the program's output).
"""

from __future__ import annotations

from typing import Any

from clemency.cases.models import PART_MODELS

_SOURCE = "synthetic demo (fictitious person)"


def _asserted(name: str, value_json: str) -> dict[str, Any]:
    return {"name": name, "value_json": value_json, "source": _SOURCE, "asserted_on": None}


def _empty(document: dict[str, Any]) -> dict[str, Any]:
    for kind in PART_MODELS:  # every part of a case, by its export name
        document.setdefault(kind, [])
    return document


def _person(given: str, family: str, born: str) -> dict[str, Any]:
    return {
        "given_name": given,
        "middle_name": None,
        "family_name": family,
        "name_at_conviction": None,
        "aliases": None,
        "date_of_birth": born,
        "is_deceased": False,
        "bop_register_number": None,
        "intermediary_name": None,
        "intermediary_relationship": None,
        "intermediary_contact": None,
    }


def _conviction(
    convicted_on: str, sentenced_on: str, category: str, court: str | None
) -> dict[str, Any]:
    return {
        "is_primary": True,
        "court_kind": "state",
        "court_name": court,
        "district": None,
        "docket_number": None,
        "judge": None,
        "disposition": "plea",
        "convicted_on": convicted_on,
        "sentenced_on": sentenced_on,
        "offense_level": "felony",
        "offense_category": category,
        "is_violent_offense": False,
    }


def _prison(months: int) -> dict[str, Any]:
    return {
        "conviction": 1,
        "prison_months": months,
        "is_life": False,
        "is_death": False,
        "supervised_release_months": None,
        "probation_months": None,
        "fine_cents": None,
        "restitution_cents": None,
        "forfeiture_cents": None,
        "special_assessment_cents": None,
    }


def _draft(jurisdiction: str, kind: str, relief: str) -> dict[str, Any]:
    return {
        "jurisdiction": jurisdiction,
        "kind": kind,
        "case_number": None,
        "filed_on": None,
        "channel": "mail",
        "status": "draft",
        "relief_requested": relief,
    }


def texas_document(organization_slug: str) -> dict[str, Any]:
    """A Texas full pardon, eligible for the Board's consideration in 2026 (us-tx/pardon):
    a felony prison sentence discharged in 2016, never denied before."""
    return _empty(
        {
            "format": "clemency.case/1",
            "organization": organization_slug,
            "reference": "SYN-US-TX-1",
            "stage": "drafting",
            "jurisdiction": "us-tx",
            "summary": (
                "Synthetic demo case (fictitious person). Texas full pardon: four years for "
                "possession of a controlled substance, sentence discharged 2016-04-01. "
                "Typical determination on 2026-01-01: eligible for the Board's consideration "
                "(us-tx/pardon); the Governor may grant only on a Board majority."
            ),
            "criminal_history_checked_on": None,
            "conduct_record_checked_on": None,
            "is_synthetic": True,
            "person": _person("Synthetic Dolores", "Example-Tx", "1980-07-14"),
            "convictions": [
                _conviction(
                    "2012-03-05", "2012-04-02", "drug", "Synthetic District Court, Travis County"
                )
            ],
            "counts": [
                {
                    "conviction": 1,
                    "number": 1,
                    "offense_text": "Possession of a controlled substance (synthetic)",
                    "statute": None,
                    "category": "drug",
                }
            ],
            "sentences": [_prison(48)],
            "custody": [
                {
                    "facility": "Synthetic Unit (TDCJ)",
                    "started_on": "2012-04-02",
                    "projected_release_on": None,
                    "released_on": "2014-10-01",
                    "is_transfer_out": False,
                }
            ],
            "petitions": [_draft("us-tx", "pardon", "Full pardon")],
            "asserted_facts": [
                _asserted("is_deferred_adjudication", "false"),
                _asserted("sentence_completed_date", '"2016-04-01"'),
                _asserted("has_prior_denial", "false"),
            ],
        }
    )


def california_document(organization_slug: str) -> dict[str, Any]:
    """A California direct pardon application, one felony, discharged from parole in 2018:
    ineligible on 2026-01-01 until the tenth anniversary of the discharge (us-ca/pardon)."""
    return _empty(
        {
            "format": "clemency.case/1",
            "organization": organization_slug,
            "reference": "SYN-US-CA-1",
            "stage": "building",
            "jurisdiction": "us-ca",
            "summary": (
                "Synthetic demo case (fictitious person). California pardon: one felony "
                "(second-degree burglary), three years in state prison, discharged from "
                "parole 2018-06-30, no Certificate of Rehabilitation. Typical determination on "
                "2026-01-01: ineligible until 2028-06-30 under the Governor's ten-year rule "
                "(us-ca/pardon), unless waived or a Certificate of Rehabilitation is obtained."
            ),
            "criminal_history_checked_on": None,
            "conduct_record_checked_on": None,
            "is_synthetic": True,
            "person": _person("Synthetic Arturo", "Example-Ca", "1985-11-02"),
            "convictions": [
                _conviction(
                    "2014-05-12", "2014-06-20", "other", "Synthetic Superior Court, Fresno County"
                )
            ],
            "counts": [
                {
                    "conviction": 1,
                    "number": 1,
                    "offense_text": "Burglary in the second degree (synthetic)",
                    "statute": None,
                    "category": "other",
                }
            ],
            "sentences": [_prison(36)],
            "custody": [
                {
                    "facility": "Synthetic State Prison (CDCR)",
                    "started_on": "2014-06-20",
                    "projected_release_on": None,
                    "released_on": "2016-06-30",
                    "is_transfer_out": False,
                }
            ],
            "petitions": [_draft("us-ca", "pardon", "Full and unconditional pardon")],
            "asserted_facts": [
                _asserted("felony_convictions_count", "1"),
                _asserted("certificate_of_rehabilitation_granted", "false"),
                _asserted("exceptional_circumstances", "false"),
                _asserted("supervision_end_date", '"2018-06-30"'),
            ],
        }
    )


def illinois_document(organization_slug: str) -> dict[str, Any]:
    """An Illinois pardon petition after an earlier denial in 2025-05: ineligible on 2026-01-01
    until the denial's first anniversary, 2026-05-01 (us-il/pardon)."""
    return _empty(
        {
            "format": "clemency.case/1",
            "organization": organization_slug,
            "reference": "SYN-US-IL-1",
            "stage": "building",
            "jurisdiction": "us-il",
            "summary": (
                "Synthetic demo case (fictitious person). Illinois pardon: a 2009 felony "
                "theft conviction, probation completed; a first petition was denied by the "
                "Governor on 2025-05-01. Typical determination on 2026-01-01: ineligible until "
                "2026-05-01, one full year after the denial (us-il/pardon), unless the "
                "Prisoner Review Board's Chairman waives the year."
            ),
            "criminal_history_checked_on": None,
            "conduct_record_checked_on": None,
            "is_synthetic": True,
            "person": _person("Synthetic Lucille", "Example-Il", "1978-03-21"),
            "convictions": [
                _conviction(
                    "2009-09-14", "2009-10-30", "fraud", "Synthetic Circuit Court, Cook County"
                )
            ],
            "counts": [
                {
                    "conviction": 1,
                    "number": 1,
                    "offense_text": "Theft (synthetic)",
                    "statute": None,
                    "category": "fraud",
                }
            ],
            "sentences": [
                {
                    **_prison(0),
                    "prison_months": None,
                    "probation_months": 30,
                }
            ],
            "petitions": [_draft("us-il", "pardon", "Pardon with authorization to expunge")],
            "asserted_facts": [
                _asserted("has_prior_denial", "true"),
                _asserted("last_denial_date", '"2025-05-01"'),
                _asserted("eligibility_waiver_granted", "false"),
            ],
        }
    )


def pennsylvania_document(organization_slug: str) -> dict[str, Any]:
    """A Pennsylvania commutation of a life sentence: eligible to apply on 2026-01-01
    (us-pa/commutation); the Board must then recommend unanimously (Pa. Const. art. IV §9)."""
    return _empty(
        {
            "format": "clemency.case/1",
            "organization": organization_slug,
            "reference": "SYN-US-PA-1",
            "stage": "drafting",
            "jurisdiction": "us-pa",
            "summary": (
                "Synthetic demo case (fictitious person). Pennsylvania commutation: life "
                "imprisonment for second-degree (felony) murder as a 19-year-old lookout in "
                "1994. Typical determination on 2026-01-01: eligible to apply "
                "(us-pa/commutation); a hearing needs a majority of the Board and the "
                "recommendation must be unanimous, 5 of 5, because the sentence is life."
            ),
            "criminal_history_checked_on": None,
            "conduct_record_checked_on": None,
            "is_synthetic": True,
            "person": _person("Synthetic Curtis", "Example-Pa", "1975-02-11"),
            "convictions": [
                _conviction(
                    "1994-11-07",
                    "1995-01-09",
                    "violent",
                    "Synthetic Court of Common Pleas, Philadelphia County",
                )
            ],
            "counts": [
                {
                    "conviction": 1,
                    "number": 1,
                    "offense_text": "Murder of the second degree (synthetic)",
                    "statute": None,
                    "category": "violent",
                }
            ],
            "sentences": [{**_prison(0), "prison_months": None, "is_life": True}],
            "custody": [
                {
                    "facility": "Synthetic State Correctional Institution",
                    "started_on": "1994-03-02",
                    "projected_release_on": None,
                    "released_on": None,
                    "is_transfer_out": False,
                }
            ],
            "petitions": [_draft("us-pa", "commutation", "Commutation of life imprisonment")],
            "asserted_facts": [_asserted("has_prior_denial", "false")],
        }
    )


def florida_document(organization_slug: str) -> dict[str, Any]:
    """A Florida full pardon applicant whose probation ended in 2019: ineligible on 2026-01-01
    until ten years after completion, 2029-09-30 (us-fl/pardon)."""
    return _empty(
        {
            "format": "clemency.case/1",
            "organization": organization_slug,
            "reference": "SYN-US-FL-1",
            "stage": "screening",
            "jurisdiction": "us-fl",
            "summary": (
                "Synthetic demo case (fictitious person). Florida full pardon: a 2015 felony "
                "(grand theft), three years' probation completed 2019-09-30, $300 of court "
                "costs outstanding, no restitution, nothing pending. Typical determination on "
                "2026-01-01: ineligible until 2029-09-30 (us-fl/pardon), unless the Governor "
                "and two Cabinet members waive the ten years."
            ),
            "criminal_history_checked_on": None,
            "conduct_record_checked_on": None,
            "is_synthetic": True,
            "person": _person("Synthetic Marisol", "Example-Fl", "1990-08-08"),
            "convictions": [
                _conviction(
                    "2015-08-20", "2016-09-30", "fraud", "Synthetic Circuit Court, Duval County"
                )
            ],
            "counts": [
                {
                    "conviction": 1,
                    "number": 1,
                    "offense_text": "Grand theft (synthetic)",
                    "statute": None,
                    "category": "fraud",
                }
            ],
            "sentences": [{**_prison(0), "prison_months": None, "probation_months": 36}],
            "petitions": [_draft("us-fl", "pardon", "Full pardon")],
            "asserted_facts": [
                _asserted("supervision_end_date", '"2019-09-30"'),
                _asserted("eligibility_waiver_granted", "false"),
                _asserted("owes_restitution", "false"),
                _asserted("outstanding_court_debt_dollars", "300"),
                _asserted("has_pending_charges", "false"),
            ],
        }
    )


def new_york_pardon_document(organization_slug: str) -> dict[str, Any]:
    """A New York pardon: sentence completed in 2012, no other remedy gives the relief
    (immigration): eligible on 2026-01-01 (us-ny/pardon)."""
    return _empty(
        {
            "format": "clemency.case/1",
            "organization": organization_slug,
            "reference": "SYN-US-NY-P1",
            "stage": "drafting",
            "jurisdiction": "us-ny",
            "summary": (
                "Synthetic demo case (fictitious person). New York pardon: a 2008 felony "
                "drug sale, sentence completed 2012-03-01, lawful permanent resident facing "
                "removal, for which neither sealing nor a certificate helps. Typical "
                "determination on 2026-01-01: eligible (us-ny/pardon); the Governor decides "
                "alone."
            ),
            "criminal_history_checked_on": None,
            "conduct_record_checked_on": None,
            "is_synthetic": True,
            "person": _person("Synthetic Kwame", "Example-Ny", "1984-12-01"),
            "convictions": [
                _conviction(
                    "2008-04-15", "2008-06-02", "drug", "Synthetic Supreme Court, Kings County"
                )
            ],
            "counts": [
                {
                    "conviction": 1,
                    "number": 1,
                    "offense_text": "Criminal sale of a controlled substance (synthetic)",
                    "statute": None,
                    "category": "drug",
                }
            ],
            "sentences": [_prison(24)],
            "custody": [
                {
                    "facility": "Synthetic Correctional Facility (DOCCS)",
                    "started_on": "2008-06-02",
                    "projected_release_on": None,
                    "released_on": "2009-12-01",
                    "is_transfer_out": False,
                }
            ],
            "petitions": [_draft("us-ny", "pardon", "Pardon")],
            "asserted_facts": [
                _asserted("sentence_completed_date", '"2012-03-01"'),
                _asserted("other_relief_available", "false"),
            ],
        }
    )


def georgia_restoration_document(organization_slug: str) -> dict[str, Any]:
    """Georgia restoration of civil and political rights for a federal conviction of a Georgia
    resident, completed 2023-08-15: eligible on 2026-01-01 (us-ga/restoration-of-rights),
    with a draft petition of the kind ``restoration-of-rights``."""
    return _empty(
        {
            "format": "clemency.case/1",
            "organization": organization_slug,
            "reference": "SYN-US-GA-R1",
            "stage": "building",
            "jurisdiction": "us-federal",
            "summary": (
                "Synthetic demo case (fictitious person). Georgia restoration of civil and "
                "political rights for a federal felony (mail fraud) of a Georgia resident, "
                "all sentences completed 2023-08-15, law-abiding since. Typical determination "
                "on 2026-01-01: eligible (us-ga/restoration-of-rights), two years having "
                "passed on 2025-08-15."
            ),
            "criminal_history_checked_on": None,
            "conduct_record_checked_on": None,
            "is_synthetic": True,
            "person": _person("Synthetic Odessa", "Example-Ga", "1969-05-05"),
            "convictions": [
                {
                    **_conviction("2017-02-01", "2017-05-10", "fraud", None),
                    "court_kind": "federal_district",
                    "court_name": "Synthetic U.S. District Court, N.D. Ga.",
                }
            ],
            "counts": [
                {
                    "conviction": 1,
                    "number": 1,
                    "offense_text": "Mail fraud (synthetic)",
                    "statute": None,
                    "category": "fraud",
                }
            ],
            "sentences": [_prison(30)],
            "custody": [
                {
                    "facility": "Synthetic Federal Prison Camp",
                    "started_on": "2017-06-01",
                    "projected_release_on": None,
                    "released_on": "2019-08-15",
                    "is_transfer_out": False,
                }
            ],
            "petitions": [
                _draft(
                    "us-ga", "restoration-of-rights", "Restoration of civil and political rights"
                )
            ],
            "asserted_facts": [
                _asserted("resides_in_jurisdiction", "true"),
                _asserted("sentence_completed_date", '"2023-08-15"'),
                _asserted("law_abiding_since_completion", "true"),
            ],
        }
    )


def _count(offense_text: str, category: str) -> dict[str, Any]:
    return {
        "conviction": 1,
        "number": 1,
        "offense_text": f"{offense_text} (synthetic)",
        "statute": None,
        "category": category,
    }


def _custody(facility: str, started_on: str, released_on: str | None) -> dict[str, Any]:
    return {
        "facility": facility,
        "started_on": started_on,
        "projected_release_on": None,
        "released_on": released_on,
        "is_transfer_out": False,
    }


def _relief_case(
    organization_slug: str, reference: str, jurisdiction: str, summary: str, **parts: Any
) -> dict[str, Any]:
    return _empty(
        {
            "format": "clemency.case/1",
            "organization": organization_slug,
            "reference": reference,
            "stage": "screening",
            "jurisdiction": jurisdiction,
            "summary": "Synthetic demo case (fictitious person). " + summary,
            "criminal_history_checked_on": None,
            "conduct_record_checked_on": None,
            "is_synthetic": True,
            **parts,
        }
    )


def florida_commutation_document(organization_slug: str) -> dict[str, Any]:
    """A Florida prisoner four years into a ten-year term (custody from 2022-01-01): one-third
    is 1218 of 3653 days, reached 2025-05-03, so eligible on 2026-01-01 to ask for a review
    (us-fl/commutation)."""
    return _relief_case(
        organization_slug,
        "SYN-US-FL-C1",
        "us-fl",
        "Florida commutation of sentence: ten years for burglary from 2022-01-01, no minimum "
        "mandatory. Typical determination on 2026-01-01: eligible to file a Request for Review "
        "(us-fl/commutation), one-third having been served on 2025-05-03.",
        person=_person("Synthetic Teodoro", "Example-Fl", "1994-02-11"),
        convictions=[
            _conviction("2021-10-04", "2021-12-15", "other", "Synthetic Circuit Court, Leon County")
        ],
        counts=[_count("Burglary of an unoccupied structure", "other")],
        sentences=[_prison(120)],
        custody=[_custody("Synthetic Correctional Institution (FDC)", "2022-01-01", None)],
        petitions=[_draft("us-fl", "commutation", "Commutation of sentence")],
        asserted_facts=[
            _asserted("serving_minimum_mandatory", "false"),
            _asserted("eligibility_waiver_granted", "false"),
        ],
    )


def florida_restoration_document(organization_slug: str) -> dict[str, Any]:
    """Florida restoration of civil rights: all sentences and supervision completed 2022-06-30,
    so eligible on 2026-01-01; the advisory 2011 five-year wait would end 2027-06-30
    (us-fl/restoration-of-rights)."""
    return _relief_case(
        organization_slug,
        "SYN-US-FL-R1",
        "us-fl",
        "Florida restoration of civil rights: a 2018 felony (uttering a forged instrument), "
        "probation completed 2022-06-30, restitution paid, nothing pending. Typical "
        "determination on 2026-01-01: eligible (us-fl/restoration-of-rights); the 2011 "
        "five-year wait, to 2027-06-30, is shown as advisory because the 2021 Rules appear to "
        "have removed it.",
        person=_person("Synthetic Renata", "Example-Fl", "1985-12-01"),
        convictions=[
            _conviction(
                "2018-05-14", "2018-06-29", "fraud", "Synthetic Circuit Court, Orange County"
            )
        ],
        counts=[_count("Uttering a forged instrument", "fraud")],
        sentences=[{**_prison(0), "prison_months": None, "probation_months": 48}],
        petitions=[_draft("us-fl", "restoration-of-rights", "Restoration of civil rights")],
        asserted_facts=[
            _asserted("sentence_completed_date", '"2022-06-30"'),
            _asserted("eligibility_waiver_granted", "false"),
            _asserted("owes_restitution", "false"),
            _asserted("has_pending_charges", "false"),
        ],
    )


def texas_restoration_document(organization_slug: str) -> dict[str, Any]:
    """Texas restoration of civil rights for a single federal fraud conviction of 2019-03-01,
    sentence completed 2022-09-01: eligible on 2026-01-01 (us-tx/restoration-of-rights)."""
    return _relief_case(
        organization_slug,
        "SYN-US-TX-R1",
        "us-federal",
        "Texas restoration of civil rights (Code Crim. Proc. art. 48.05): a single federal "
        "wire fraud conviction of 2019-03-01, sentence completed 2022-09-01, no other "
        "conviction. Typical determination on 2026-01-01: eligible "
        "(us-tx/restoration-of-rights), three years having passed on 2022-03-01.",
        person=_person("Synthetic Bartholomew", "Example-Tx", "1975-09-30"),
        convictions=[
            {
                **_conviction("2019-03-01", "2019-06-03", "fraud", None),
                "court_kind": "federal_district",
                "court_name": "Synthetic U.S. District Court, W.D. Tex.",
            }
        ],
        counts=[_count("Wire fraud", "fraud")],
        sentences=[_prison(24)],
        custody=[_custody("Synthetic Federal Prison Camp", "2019-07-01", "2021-03-01")],
        petitions=[
            _draft("us-tx", "restoration-of-rights", "Restoration of civil rights (art. 48.05)")
        ],
        asserted_facts=[
            _asserted("foreign_conviction", "false"),
            _asserted("prior_convictions_count", "0"),
            _asserted("sentence_completed_date", '"2022-09-01"'),
            _asserted("law_abiding_since_completion", "true"),
        ],
    )


def georgia_firearm_document(organization_slug: str) -> dict[str, Any]:
    """Georgia restoration of firearm rights: a Georgia felony, every sentence completed
    2019-05-01 and law-abiding since, so eligible on 2026-01-01 (us-ga/firearm-authority)."""
    return _relief_case(
        organization_slug,
        "SYN-US-GA-F1",
        "us-ga",
        "Georgia restoration of firearm rights: a 2012 felony (theft by taking), every "
        "sentence completed 2019-05-01, no criminal involvement since. Typical determination "
        "on 2026-01-01: eligible (us-ga/firearm-authority), five years having passed on "
        "2024-05-01; asked for with the pardon application.",
        person=_person("Synthetic Winifred", "Example-Ga", "1988-03-17"),
        convictions=[
            _conviction(
                "2012-04-09", "2012-05-21", "fraud", "Synthetic Superior Court, Bibb County"
            )
        ],
        counts=[_count("Theft by taking", "fraud")],
        sentences=[{**_prison(0), "prison_months": None, "probation_months": 84}],
        petitions=[_draft("us-ga", "firearm-authority", "Restoration of firearm rights")],
        asserted_facts=[
            _asserted("sentence_completed_date", '"2019-05-01"'),
            _asserted("law_abiding_since_completion", "true"),
        ],
    )


def state_demo_documents(organization_slug: str) -> list[dict[str, Any]]:
    """The state demo cases for ``organization_slug`` (import format, see transfer.py)."""
    return [
        texas_document(organization_slug),
        california_document(organization_slug),
        illinois_document(organization_slug),
        pennsylvania_document(organization_slug),
        florida_document(organization_slug),
        new_york_pardon_document(organization_slug),
        georgia_restoration_document(organization_slug),
        florida_commutation_document(organization_slug),
        florida_restoration_document(organization_slug),
        texas_restoration_document(organization_slug),
        georgia_firearm_document(organization_slug),
    ]
