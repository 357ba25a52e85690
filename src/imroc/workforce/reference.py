"""Reference data written by us: checklists, the policy recovery-values questions and the IPS
fidelity item labels. Kept as data with stable keys, so wording can change without losing answers."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class ChecklistItem:
    key: str
    area: str
    text: str


PREPARATION = "preparation"
RECRUITMENT = "recruitment"
EMPLOYMENT = "employment"
DEVELOPMENT = "development"

# Each phase's checklist: what should be in place before a cohort moves on from that phase.
CHECKLISTS: dict[str, tuple[ChecklistItem, ...]] = {
    PREPARATION: (
        ChecklistItem("teams-agreed", _("Teams"), _("The teams that will host peer workers have said yes and know what the role is.")),
        ChecklistItem("teams-roles", _("Teams"), _("Each host team has agreed what a peer worker will and will not do.")),
        ChecklistItem("managers-briefed", _("Managers"), _("Managers of host teams have had a briefing on peer support.")),
        ChecklistItem("managers-budget", _("Managers"), _("The posts are paid for, with a budget for at least two years.")),
        ChecklistItem("hr-job-description", _("HR"), _("HR has agreed a job description where lived experience is essential.")),
        ChecklistItem("hr-disclosure", _("HR"), _("HR has a clear, fair approach to disclosure and past records.")),
        ChecklistItem("oh-adjustments", _("Occupational health"), _("Occupational health knows how to offer reasonable adjustments.")),
        ChecklistItem("oh-wellbeing", _("Occupational health"), _("There is a way to agree a wellbeing plan with each worker who wants one.")),
        ChecklistItem("supervision-plan", _("Supervision"), _("Each peer worker will have a named supervisor in their team.")),
        ChecklistItem("supervision-peer", _("Supervision"), _("Peer supervision with an experienced peer worker is arranged.")),
    ),
    RECRUITMENT: (
        ChecklistItem("posts-advertised", _("HR"), _("The posts have been advertised where people with lived experience will see them.")),
        ChecklistItem("panel-lived", _("HR"), _("The interview panel includes someone with lived experience.")),
        ChecklistItem("adjustments-offered", _("Occupational health"), _("Every applicant was offered reasonable adjustments for interview.")),
        ChecklistItem("training-booked", _("Supervision"), _("The peer training course is booked for the people appointed.")),
    ),
    EMPLOYMENT: (
        ChecklistItem("training-done", _("Supervision"), _("Each peer worker has finished the training course.")),
        ChecklistItem("induction-done", _("Teams"), _("Each peer worker has had an induction in their team.")),
        ChecklistItem("supervisor-named", _("Supervision"), _("Each peer worker has a named supervisor and regular sessions.")),
        ChecklistItem("wellbeing-plans", _("Occupational health"), _("Each worker who wanted one has a wellbeing plan.")),
    ),
    DEVELOPMENT: (
        ChecklistItem("career-path", _("HR"), _("Peer workers can progress to senior and lead peer roles.")),
        ChecklistItem("peer-network", _("Supervision"), _("Peer workers meet regularly as a group.")),
        ChecklistItem("role-reviewed", _("Managers"), _("The peer role has been reviewed with peer workers this year.")),
    ),
}  # fmt: skip

# Eight plain-English questions for reviewing a policy against recovery values.
POLICY_QUESTIONS: tuple[tuple[str, str], ...] = (
    ("strengths", _("Does the policy talk about people's strengths, not only their risks?")),
    ("choice", _("Does it give people real choices about their care and support?")),
    ("coproduced", _("Were people with lived experience involved in writing it?")),
    ("hope", _("Does it expect that people can have a good life, with or without symptoms?")),
    ("language", _("Is it written in plain language, without labels that blame or belittle?")),
    ("positive-risk", _("Does it allow people to take reasonable risks to reach their goals?")),
    ("shared-safety", _("Does it say safety plans are written with the person, in their words?")),
    ("staff-support", _("Does it support staff to work in a recovery-focused way?")),
)
POLICY_ANSWERS = (("yes", _("Yes")), ("partly", _("Partly")), ("no", _("No")))

# Twenty-five short labels for the items of an IPS fidelity review, each scored 1 to 5.
IPS_ITEMS: tuple[str, ...] = (
    _("Caseload size"),
    _("Employment services staff"),
    _("Vocational generalists"),
    _("Integration with treatment teams"),
    _("Vocational and clinical contact"),
    _("Collaboration with benefits advice"),
    _("Vocational unit"),
    _("Role of the employment supervisor"),
    _("Zero exclusion"),
    _("Agency focus on work"),
    _("Executive team support"),
    _("Work incentives planning"),
    _("Disclosure"),
    _("Ongoing work-based assessment"),
    _("Rapid search for work"),
    _("Individualised job search"),
    _("Job development: frequent contact"),
    _("Job development: quality of contact"),
    _("Diversity of job types"),
    _("Diversity of employers"),
    _("Competitive jobs"),
    _("Individualised follow-along support"),
    _("Time-unlimited support"),
    _("Community-based services"),
    _("Assertive engagement and outreach"),
)
IPS_MIN_TOTAL, IPS_MAX_TOTAL = len(IPS_ITEMS), 5 * len(IPS_ITEMS)

# (lowest total in the band, label), highest band first.
IPS_BANDS: tuple[tuple[int, str], ...] = (
    (115, _("Exemplary fidelity")),
    (100, _("Good fidelity")),
    (74, _("Fair fidelity")),
    (0, _("Not supported employment")),
)


def ips_band(total: int) -> str:
    """The fidelity band of an IPS review total (25 to 125)."""
    return next(label for lowest, label in IPS_BANDS if total >= lowest)
