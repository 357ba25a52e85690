"""The in-app guides: one short page for each kind of person who uses imroc.

Each guide is written in full in every language it supports, as a template under
``core/help/<language>/<slug>.html``; long guidance reads better written whole than stitched
together from translated fragments. A guide falls back to English when a language lacks it.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.template.loader import select_template
from django.utils import translation

# Languages the guides are written in. English is the fallback.
GUIDE_LANGUAGES = ("en", "cy")


@dataclass(frozen=True)
class Guide:
    slug: str
    titles: dict[str, str]
    summaries: dict[str, str]

    def title(self, language: str) -> str:
        return self.titles.get(language, self.titles["en"])

    def summary(self, language: str) -> str:
        return self.summaries.get(language, self.summaries["en"])


GUIDES: tuple[Guide, ...] = (
    Guide(
        "site-lead",
        {"en": "Guide for site leads", "cy": "Canllaw i arweinwyr safle"},
        {
            "en": "Run your site's self-assessment, set goals and test changes.",
            "cy": "Cynnal hunanasesiad eich safle, gosod nodau a phrofi newidiadau.",
        },
    ),
    Guide(
        "partner",
        {
            "en": "Guide for lived-experience partners",
            "cy": "Canllaw i bartneriaid profiad bywyd",
        },
        {
            "en": "Give your ratings, co-lead goals and help run courses.",
            "cy": "Rhoi eich sgoriau, cyd-arwain nodau a helpu i gynnal cyrsiau.",
        },
    ),
    Guide(
        "trainer",
        {"en": "Guide for recovery college trainers", "cy": "Canllaw i hyfforddwyr y coleg adfer"},
        {
            "en": "Take a register and see feedback on your courses.",
            "cy": "Cymryd cofrestr a gweld adborth ar eich cyrsiau.",
        },
    ),
    Guide(
        "learner",
        {"en": "Guide for learners", "cy": "Canllaw i ddysgwyr"},
        {
            "en": "Find a course and book a place. You do not need an account.",
            "cy": "Dod o hyd i gwrs a chadw lle. Does dim angen cyfrif arnoch chi.",
        },
    ),
    Guide(
        "board-member",
        {"en": "Guide for board members", "cy": "Canllaw i aelodau bwrdd"},
        {
            "en": "Read your site's progress and its board report.",
            "cy": "Darllen cynnydd eich safle a'i adroddiad i'r bwrdd.",
        },
    ),
    Guide(
        "programme-admin",
        {"en": "Guide for the programme team", "cy": "Canllaw i dîm y rhaglen"},
        {
            "en": "Accept sites, run learning sets and follow the whole network.",
            "cy": "Derbyn safleoedd, cynnal setiau dysgu a dilyn y rhwydwaith cyfan.",
        },
    ),
)

BY_SLUG = {guide.slug: guide for guide in GUIDES}


def current_language() -> str:
    """The guide language for the active interface language, falling back to English."""
    code = (translation.get_language() or "en").split("-")[0]
    return code if code in GUIDE_LANGUAGES else "en"


def guide_template(guide: Guide, language: str):
    return select_template(
        [f"core/help/{language}/{guide.slug}.html", f"core/help/en/{guide.slug}.html"]
    )
