"""A deterministic generator of realistic, entirely fictitious cases for the demo and tests.

The same ``seed`` always gives the same documents (no clock, no global random state). Every
generated case has ``is_synthetic: true`` and a reference starting with ``SYN-``; register
numbers end in ``-999`` so that they are recognisably not real ones. Cases are spread over
every stage, and each stage carries the parts a case at that stage would have.

Cases whose offense has an identifiable victim here (bank robbery, fraud) get victim records
from the building stage on, with names that say "Synthetic". They come from a random stream
of their own, so adding them left every other generated value as it was.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Any

from clemency.cases.models import PART_MODELS
from clemency.cases.vocab import CASE_STAGES

# Dates are computed against this fixed day, never the clock, so output is reproducible.
REFERENCE_DAY = date(2026, 1, 1)

GIVEN_NAMES = [
    "Aaliyah",
    "Andre",
    "Beatriz",
    "Calvin",
    "Carmen",
    "Darnell",
    "Delia",
    "Desmond",
    "Elena",
    "Ernesto",
    "Faye",
    "Gideon",
    "Gloria",
    "Hector",
    "Imani",
    "Ivan",
    "Jada",
    "Jerome",
    "Keisha",
    "Lamar",
    "Lorena",
    "Marcus",
    "Marisol",
    "Nadia",
    "Omar",
    "Patrice",
    "Quentin",
    "Rosa",
    "Rashad",
    "Selena",
    "Terrence",
    "Tanya",
    "Ulysses",
    "Valeria",
    "Wendell",
    "Ximena",
    "Yolanda",
    "Zachary",
]
FAMILY_NAMES = [
    "Abernathy",
    "Baptiste",
    "Caldwell",
    "Dominguez",
    "Ellison",
    "Fairbanks",
    "Galloway",
    "Hollins",
    "Ibarra",
    "Jefferson",
    "Kimbrough",
    "Lockhart",
    "Maldonado",
    "Northcutt",
    "Ocampo",
    "Pettigrew",
    "Quintero",
    "Rutledge",
    "Sandoval",
    "Thibodeaux",
    "Underwood",
    "Villanueva",
    "Whitfield",
    "Yarborough",
    "Zamora",
]
DISTRICTS = (
    ("W.D. Tenn.", "Western District of Tennessee"),
    ("N.D. Tex.", "Northern District of Texas"),
    ("S.D. Fla.", "Southern District of Florida"),
    ("E.D. Mich.", "Eastern District of Michigan"),
    ("N.D. Ga.", "Northern District of Georgia"),
    ("D. Md.", "District of Maryland"),
    ("E.D. Mo.", "Eastern District of Missouri"),
)
OFFENSES = (
    ("Conspiracy to distribute cocaine base", "21 U.S.C. § 846", "drug"),
    ("Possession with intent to distribute methamphetamine", "21 U.S.C. § 841(a)(1)", "drug"),
    ("Distribution of heroin", "21 U.S.C. § 841(a)(1)", "drug"),
    ("Felon in possession of a firearm", "18 U.S.C. § 922(g)(1)", "weapons"),
    ("Wire fraud", "18 U.S.C. § 1343", "fraud"),
    ("Bank robbery", "18 U.S.C. § 2113(a)", "violent"),
    ("Illegal reentry", "8 U.S.C. § 1326", "immigration"),
    ("Money laundering", "18 U.S.C. § 1956", "fraud"),
)
FACILITIES = (
    "FCI Aliceville",
    "FCI Tallahassee",
    "USP Atlanta",
    "FCI Memphis",
    "FCI Yazoo City",
    "FMC Carswell",
    "FCI Terre Haute",
    "FCI Dublin",
)
PROGRAMS = (
    ("education", "GED"),
    ("vocational", "Culinary arts certificate"),
    ("vocational", "Electrical apprenticeship"),
    ("treatment", "Residential Drug Abuse Program (RDAP)"),
    ("work", "UNICOR"),
    ("faith", "Life Connections"),
)
SENTENCE_MONTHS = (60, 87, 120, 151, 188, 240, 262, 360, None)  # None: life
STATE_JURISDICTIONS = ("us-ny", "us-ga")
# Offense categories above whose synthetic cases get victim records (drug, weapons and
# immigration offenses usually have no individual victim to notify).
VICTIM_CATEGORIES = frozenset({"violent", "fraud"})


def _day(rng: random.Random, start: date, end: date) -> date:
    return start + timedelta(days=rng.randrange(max(1, (end - start).days)))


def _iso(value: date | None) -> str | None:
    return None if value is None else value.isoformat()


def synthetic_documents(
    *, seed: int, count: int, organizations: list[str], volunteers: dict[str, str]
) -> list[dict[str, Any]]:
    """``count`` fictitious cases spread over ``organizations`` and every stage.

    ``volunteers`` maps an organization slug to the e-mail of a volunteer who is assigned to
    about a third of that organization's cases.
    """
    rng = random.Random(seed)  # noqa: S311 - reproducible demo data, not a secret
    victim_rng = random.Random(f"victims-{seed}")  # noqa: S311 - a stream of its own
    documents = []
    for index in range(count):
        stage = CASE_STAGES[index % len(CASE_STAGES)]
        organization = organizations[index % len(organizations)]
        document = _case(rng, index + 1, stage, organization)
        _victims(victim_rng, document)
        if organization in volunteers and rng.random() < 0.34:
            document["assignments"] = [{"user": volunteers[organization]}]
        documents.append(document)
    return documents


def _case(rng: random.Random, number: int, stage: str, organization: str) -> dict[str, Any]:
    federal = rng.random() < 0.85
    born = _day(rng, date(1950, 1, 1), date(1996, 12, 31))
    convicted = _day(rng, max(born + timedelta(days=365 * 19), date(1988, 1, 1)), date(2021, 1, 1))
    months = rng.choice(SENTENCE_MONTHS)
    started = convicted - timedelta(days=rng.randrange(0, 400))
    projected = None if months is None else started + timedelta(days=int(months * 30.44))
    released = projected if projected is not None and projected <= REFERENCE_DAY else None
    offense, statute, category = rng.choice(OFFENSES)
    district, district_name = rng.choice(DISTRICTS)
    document: dict[str, Any] = {
        "format": "clemency.case/1",
        "organization": organization,
        "reference": f"SYN-{number:05d}",
        "stage": stage,
        "jurisdiction": "us-federal" if federal else rng.choice(STATE_JURISDICTIONS),
        "summary": "Synthetic demo case (fictitious person).",
        "criminal_history_checked_on": None,
        "conduct_record_checked_on": None,
        "is_synthetic": True,
        "person": {
            "given_name": rng.choice(GIVEN_NAMES),
            "middle_name": None,
            "family_name": rng.choice(FAMILY_NAMES),
            "name_at_conviction": None,
            "aliases": None,
            "date_of_birth": _iso(born),
            "is_deceased": False,
            "bop_register_number": f"{rng.randrange(10000, 99999)}-999" if federal else None,
            "intermediary_name": rng.choice((None, "Sister", "Mother", "Case manager")),
            "intermediary_relationship": None,
            "intermediary_contact": None,
        },
    }
    for kind in PART_MODELS:  # every part of a case, by its export name
        document[kind] = []
    if stage == "intake":
        document["notes"].append(_note("Letter received; records not yet requested."))
        return document
    document["criminal_history_checked_on"] = _iso(convicted + timedelta(days=4000))
    document["convictions"].append(
        {
            "is_primary": True,
            "court_kind": "federal_district" if federal else "state",
            "court_name": f"U.S. District Court for the {district_name}" if federal else None,
            "district": district if federal else None,
            "docket_number": f"{convicted.year % 100:02d}-cr-{rng.randrange(10, 999):05d}",
            "judge": None,
            "disposition": "trial" if rng.random() < 0.2 else "plea",
            "convicted_on": _iso(convicted),
            "sentenced_on": _iso(convicted + timedelta(days=rng.randrange(60, 150))),
            "offense_level": "felony",
            "offense_category": category,
            "is_violent_offense": category == "violent",
        }
    )
    document["counts"].append(
        {
            "conviction": 1,
            "number": 1,
            "offense_text": offense,
            "statute": statute,
            "category": category,
        }
    )
    document["sentences"].append(
        {
            "conviction": 1,
            "prison_months": months,
            "is_life": months is None,
            "is_death": False,
            "supervised_release_months": rng.choice((36, 60, 96)),
            "probation_months": None,
            "fine_cents": None,
            "restitution_cents": rng.choice((None, None, 250_000, 1_200_000)),
            "forfeiture_cents": None,
            "special_assessment_cents": 10_000,
        }
    )
    document["custody"].append(
        {
            "facility": rng.choice(FACILITIES),
            "started_on": _iso(started),
            "projected_release_on": _iso(projected),
            "released_on": _iso(released),
            "is_transfer_out": False,
        }
    )
    if stage == "screening":
        return document
    _build_record(rng, document, started)
    if stage == "building":
        return document
    kind = "pardon" if released is not None else "commutation"
    petition: dict[str, Any] = {
        "jurisdiction": document["jurisdiction"],
        "kind": kind,
        "case_number": None,
        "filed_on": None,
        "channel": "mail",
        "status": "draft",
        "relief_requested": "Full pardon" if kind == "pardon" else "Commutation to time served",
    }
    document["petitions"].append(petition)
    if stage == "drafting":
        return document
    _file_petition(rng, document, petition, number)
    if stage == "closed":
        petition["status"] = "withdrawn"
        document["petition_events"].append(
            _event(
                "withdrawn", REFERENCE_DAY - timedelta(days=rng.randrange(30, 300)), "own_filing"
            )
        )
    return document


def _build_record(rng: random.Random, document: dict[str, Any], started: date) -> None:
    document["conduct_record_checked_on"] = _iso(REFERENCE_DAY - timedelta(days=200))
    for _ in range(rng.choice((0, 0, 0, 1, 2))):
        document["conduct_incidents"].append(
            {
                "occurred_on": _iso(_day(rng, started, REFERENCE_DAY)),
                "severity": rng.choice(("low", "moderate", "moderate", "high")),
                "code": rng.choice(("205", "297", "305", "316")),
                "description": "Disciplinary report",
                "sanction": "Loss of commissary",
            }
        )
    for program_kind, name in rng.sample(PROGRAMS, rng.randrange(1, 4)):
        done = _day(rng, started, REFERENCE_DAY)
        document["programs"].append(
            {
                "kind": program_kind,
                "name": name,
                "started_on": _iso(done - timedelta(days=180)),
                "completed_on": _iso(done),
                "hours": rng.choice((40, 120, 500)),
                "description": None,
            }
        )
    for author, relationship, relative in (
        ("Synthetic supporter (employer)", "Prospective employer", False),
        ("Synthetic supporter (sister)", "Sister", True),
        ("Synthetic supporter (pastor)", "Pastor", False),
    )[: rng.randrange(1, 4)]:
        document["support_letters"].append(
            {
                "author_name": author,
                "author_title": None,
                "author_relationship": relationship,
                "is_relative": relative,
                "status": rng.choice(("requested", "received", "accepted")),
                "requested_on": _iso(REFERENCE_DAY - timedelta(days=rng.randrange(60, 400))),
                "received_on": None,
                "decided_on": None,
                "document": None,
            }
        )
    document["asserted_facts"].append(
        {
            "name": "has_pending_court_challenge",
            "value_json": "false",
            "source": "docket review",
            "asserted_on": None,
        }
    )


def _file_petition(
    rng: random.Random, document: dict[str, Any], petition: dict[str, Any], number: int
) -> None:
    filed = REFERENCE_DAY - timedelta(days=rng.randrange(200, 2000))
    petition["filed_on"] = _iso(filed)
    petition["status"] = "submitted"
    document["petition_events"].append(_event("submitted", filed, "own_filing"))
    if document["jurisdiction"] == "us-federal":
        letter = "P" if petition["kind"] == "pardon" else "C"
        petition["case_number"] = f"{letter}{(number * 7919) % 1_000_000:06d}"
        docketed = filed + timedelta(days=rng.randrange(30, 120))
        petition["status"] = "docketed"
        document["petition_events"].append(_event("docketed", docketed, "agency_lookup"))
    if document["stage"] != "decided":
        return
    decided = min(REFERENCE_DAY, filed + timedelta(days=rng.randrange(300, 1500)))
    outcome = "granted" if rng.random() < 0.2 else "denied"
    petition["status"] = outcome
    document["petition_events"].append(_event(outcome, decided, "agency_letter"))
    document["decisions"].append(
        {
            "petition": 1,
            "kind": petition["kind"],
            "outcome": outcome,
            "decided_on": _iso(decided),
            "decided_on_precision": "day",
            "decided_by": "Synthetic decision maker",
            "terms": "Sentence commuted to time served" if outcome == "granted" else None,
            "conditions": None,
            "source_detail": None,
        }
    )


def _victims(rng: random.Random, document: dict[str, Any]) -> None:
    """Victim records for a case whose offense has an identifiable victim, once its record is
    being built; notification dates follow the petition's filing and decision."""
    if document["stage"] in ("intake", "screening"):
        return  # the record is not built yet
    category = document["convictions"][0]["offense_category"]
    if category not in VICTIM_CATEGORIES:
        return
    petition = document["petitions"][0] if document["petitions"] else None
    filed = petition["filed_on"] if petition is not None else None
    decided = document["decisions"][0]["decided_on"] if document["decisions"] else None
    federal = document["jurisdiction"] == "us-federal"
    people: list[tuple[str, str | None, str, str]]  # identity, name, relation, detail
    if category == "violent":
        people = [
            ("named", "Synthetic victim (bank teller)", "direct_victim", "teller at the branch"),
            ("named", "Synthetic representative (bank)", "representative", "for the bank"),
        ]
    else:
        people = [
            ("withheld", None, "direct_victim", "investor; asked not to be named"),
            ("named", "Synthetic victim (retiree)", "direct_victim", "investor"),
        ]
    for identity, name, relation, detail in people[: rng.randrange(1, 3)]:
        wants = rng.choice((True, True, False, None))
        notified = None
        if filed is not None and wants is not False:
            notified = min(
                REFERENCE_DAY, date.fromisoformat(filed) + timedelta(days=rng.randrange(60, 240))
            )
        views = rng.choice(("opposes", "no_view_stated", "unknown", "supports"))
        document["victim_records"].append(
            {
                "identity": identity,
                "full_name": name,
                "relation_to_offense": relation,
                "relation_detail": detail,
                "contact_details": None if name is None else "Synthetic contact (fictitious)",
                "wants_notification": wants,
                "notification_channel": rng.choice(("mail", "email", "phone")) if wants else None,
                "has_bop_notification_request": rng.choice((True, False, None)),
                "notified_on": _iso(notified),
                "notified_by": None
                if notified is None
                else ("Office of the Pardon Attorney" if federal else "State clemency board"),
                "views_on_clemency": views if notified is not None else "unknown",
                "views_received_on": _iso(
                    min(REFERENCE_DAY, notified + timedelta(days=rng.randrange(10, 60)))
                )
                if notified is not None and views in ("opposes", "supports")
                else None,
                "statement": "Synthetic statement (fictitious)."
                if notified is not None and views in ("opposes", "supports")
                else None,
                "outcome_notified_on": _iso(
                    min(REFERENCE_DAY, max(notified, date.fromisoformat(decided)))
                )
                if decided is not None and notified is not None
                else None,
                "source": "Synthetic demo data (presentence report)",
            }
        )


def _event(status: str, on: date, source: str) -> dict[str, Any]:
    return {
        "petition": 1,
        "status": status,
        "occurred_on": _iso(on),
        "occurred_on_precision": "day",
        "learned_on": None,
        "source": source,
        "source_detail": None,
        "known_by": "our organization",
        "recorded_by": None,
        "note": None,
    }


def _note(text: str) -> dict[str, Any]:
    return {"author": None, "written_on": None, "text": text}
