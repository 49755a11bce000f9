"""Alice Marie Johnson's case, from public facts only (domain.md §7), as an import document.

Everything here is on the public record; what the record does not say is left empty (unknown)
rather than guessed: the exact sentencing date, docket number, statutes, custody dates, the
case manager's and instructor's names, and the petition's filing date and case number.

The case shows what a tracker must represent: a petition denied in January 2017, a
commutation to time served on June 6, 2018 granted *without a pending petition* (a White House
channel, so the decision has no petition), and a full pardon on August 28, 2020.
"""

from __future__ import annotations

from typing import Any

ALICE_REFERENCE = "AMJ-14873"

_PRESS_2016 = "The Hill, Nov. 2016: petition pending before President Obama"
_DENIED = "Denied 'weeks before he left office in 2017' (USA Today); exact day not public"


def alice_document(organization_slug: str) -> dict[str, Any]:
    """Alice Marie Johnson's case for ``organization_slug`` (import format, see transfer.py)."""
    return {
        "format": "clemency.case/1",
        "organization": organization_slug,
        "reference": ALICE_REFERENCE,
        "stage": "decided",
        "jurisdiction": "us-federal",
        "summary": (
            "First-time, non-violent drug offender sentenced to life without parole after a "
            "1996 trial in Memphis. Model prisoner with letters from her warden, case manager "
            "and vocational instructor. Petition denied January 2017; sentence commuted to time "
            "served on June 6, 2018 through a White House channel with no pending petition; "
            "full pardon August 28, 2020. Sources disagree on the number of counts (Wikipedia: "
            "8; USA Today: five drug counts and one money-laundering count); the counts below "
            "are the offenses named, not a count-by-count record."
        ),
        # Public record: a first offense, and a clean conduct record in prison.
        "criminal_history_checked_on": "2018-06-06",
        "conduct_record_checked_on": "2018-06-06",
        "is_synthetic": False,
        "person": {
            "given_name": "Alice",
            "middle_name": "Marie",
            "family_name": "Johnson",
            "name_at_conviction": "Alice Marie Johnson",
            "aliases": None,
            "date_of_birth": "1955-05-30",
            "is_deceased": False,
            "bop_register_number": "14873-076",
            "intermediary_name": None,
            "intermediary_relationship": None,
            "intermediary_contact": None,
        },
        "assignments": [],
        "convictions": [
            {
                "is_primary": True,
                "court_kind": "federal_district",
                "court_name": "U.S. District Court for the Western District of Tennessee",
                "district": "W.D. Tenn.",
                "docket_number": None,
                "judge": "Julia Gibbons",
                "disposition": "trial",
                "convicted_on": "1996-10-31",
                "sentenced_on": None,  # 1996 or 1997: sources disagree
                "offense_level": "felony",
                "offense_category": "drug",
                "is_violent_offense": False,
            }
        ],
        "counts": [
            _count(1, "Conspiracy to possess with intent to distribute cocaine", "drug"),
            _count(2, "Attempted possession with intent to distribute cocaine", "drug"),
            _count(3, "Money laundering", "fraud"),
            _count(4, "Conspiracy to commit money laundering", "fraud"),
            _count(5, "Structuring", "fraud"),
        ],
        "sentences": [
            {
                "conviction": 1,
                "prison_months": None,
                "is_life": True,
                "is_death": False,
                "supervised_release_months": None,
                "probation_months": None,
                "fine_cents": None,
                "restitution_cents": None,
                "forfeiture_cents": None,
                "special_assessment_cents": None,
            }
        ],
        "custody": [
            _stay("FMC Carswell (Fort Worth, Texas)", None, transfer=True),
            _stay("FCI Aliceville (Alabama)", "2018-06-06", transfer=False),
        ],
        "conduct_incidents": [],
        "programs": [
            {
                "kind": "vocational",
                "name": "Vocational training",
                "started_on": None,
                "completed_on": None,
                "hours": None,
                "description": (
                    "Her vocational instructor wrote in support; the program details are not "
                    "in the public sources used for this demo."
                ),
            }
        ],
        "health_notes": [],
        "victim_records": [],  # public facts only: none are invented for a real person
        "documents": [],
        "support_letters": [
            _letter("Arcala Washington-Adduci", "Warden", "Warden of her facility"),
            _letter("Name not public", "Case manager", "BOP case manager"),
            _letter("Name not public", "Vocational instructor", "BOP vocational instructor"),
        ],
        "petitions": [
            {
                "jurisdiction": "us-federal",
                "kind": "commutation",
                "case_number": None,
                "filed_on": None,
                "channel": None,
                "status": "denied",
                "relief_requested": "Commutation of the life sentence",
            }
        ],
        "petition_events": [
            {
                "petition": 1,
                "status": "pending",
                "occurred_on": "2016-11-01",
                "occurred_on_precision": "month",
                "learned_on": None,
                "source": "press",
                "source_detail": _PRESS_2016,
                "known_by": "public (press report)",
                "recorded_by": None,
                "note": "Ranked #1 on CAN-DO's 'Top 25 women who deserve clemency'.",
            },
            {
                "petition": 1,
                "status": "denied",
                "occurred_on": "2017-01-01",
                "occurred_on_precision": "month",
                "learned_on": None,
                "source": "press",
                "source_detail": _DENIED,
                "known_by": "petitioner and Office of the Pardon Attorney",
                "recorded_by": None,
                "note": (
                    "Members of Congress, the U.S. Attorney and the warden then asked the "
                    "Pardon Attorney to reconsider. In June 2018 DOJ's site showed no pending "
                    "application: 'a previous application was denied'."
                ),
            },
        ],
        "decisions": [
            {
                "petition": 1,
                "kind": "commutation",
                "outcome": "denied",
                "decided_on": "2017-01-01",
                "decided_on_precision": "month",
                "decided_by": "President Barack Obama",
                "terms": None,
                "conditions": None,
                "source_detail": _DENIED,
            },
            {
                "petition": None,  # granted outside the petition process
                "kind": "commutation",
                "outcome": "granted",
                "decided_on": "2018-06-06",
                "decided_on_precision": "day",
                "decided_by": "President Donald J. Trump",
                "terms": "Life sentence commuted to time served; immediate release from FCI Aliceville.",
                "conditions": None,
                "source_detail": (
                    "White House channel, no pending DOJ petition. Rationale: 'accepted "
                    "responsibility… model prisoner' (USA Today, June 8, 2018)."
                ),
            },
            {
                "petition": None,
                "kind": "pardon",
                "outcome": "granted",
                "decided_on": "2020-08-28",
                "decided_on_precision": "day",
                "decided_by": "President Donald J. Trump",
                "terms": "Full pardon",
                "conditions": None,
                "source_detail": "Signed in the Oval Office (Commercial Appeal, Aug. 28, 2020).",
            },
        ],
        "notes": [
            {
                "author": None,
                "written_on": None,
                "text": (
                    "Advocacy: a Mic video (Oct. 2017) was seen by Kim Kardashian West, who "
                    "engaged attorney Shawn Holley and spoke with Jared Kushner; Oval Office "
                    "meeting May 30, 2018. Attorney of record: Brittany K. Barnett."
                ),
            }
        ],
        "asserted_facts": [
            _asserted(name, value, source)
            for name, value, source in (
                ("resides_in_us", "true", "Memphis resident (Wikipedia)"),
                ("custody_start_date", '"1996-10-31"', _CUSTODY_ASSUMPTION),
                ("has_pending_court_challenge", "false", _APPEALS_NOTE),
                ("other_relief_available", "false", _APPEALS_NOTE),
                ("has_significant_criminal_history", "false", "first offense (Wikipedia)"),
                ("has_violence_history", "false", "non-violent first offense (Wikipedia)"),
            )
        ],
    }


_CUSTODY_ASSUMPTION = (
    "assumption: in custody from conviction; matches the published 'about 21-22 years' served "
    "by June 2018 (examples/README.md)"
)
_APPEALS_NOTE = (
    "assumption for the demo: direct appeal and collateral challenges concluded long before "
    "2016 (examples/README.md)"
)


def _asserted(name: str, value_json: str, source: str) -> dict[str, Any]:
    return {"name": name, "value_json": value_json, "source": source, "asserted_on": None}


def _count(number: int, text: str, category: str) -> dict[str, Any]:
    return {
        "conviction": 1,
        "number": number,
        "offense_text": text,
        "statute": None,
        "category": category,
    }


def _stay(facility: str, released_on: str | None, *, transfer: bool) -> dict[str, Any]:
    return {
        "facility": facility,
        "started_on": None,
        "projected_release_on": None,
        "released_on": released_on,
        "is_transfer_out": transfer,
    }


def _letter(author: str, title: str, relationship: str) -> dict[str, Any]:
    return {
        "author_name": author,
        "author_title": title,
        "author_relationship": relationship,
        "is_relative": False,
        "status": "accepted",
        "requested_on": None,
        "received_on": None,
        "decided_on": None,
        "document": None,
    }
