"""Reference data written by us: checklists, the policy recovery-values questions and the IPS
fidelity item labels. Kept as data with stable keys, so wording can change without losing answers."""

from __future__ import annotations

from dataclasses import dataclass


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
        ChecklistItem("teams-agreed", "Teams", "The teams that will host peer workers have said yes and know what the role is."),
        ChecklistItem("teams-roles", "Teams", "Each host team has agreed what a peer worker will and will not do."),
        ChecklistItem("managers-briefed", "Managers", "Managers of host teams have had a briefing on peer support."),
        ChecklistItem("managers-budget", "Managers", "The posts are paid for, with a budget for at least two years."),
        ChecklistItem("hr-job-description", "HR", "HR has agreed a job description where lived experience is essential."),
        ChecklistItem("hr-disclosure", "HR", "HR has a clear, fair approach to disclosure and past records."),
        ChecklistItem("oh-adjustments", "Occupational health", "Occupational health knows how to offer reasonable adjustments."),
        ChecklistItem("oh-wellbeing", "Occupational health", "There is a way to agree a wellbeing plan with each worker who wants one."),
        ChecklistItem("supervision-plan", "Supervision", "Each peer worker will have a named supervisor in their team."),
        ChecklistItem("supervision-peer", "Supervision", "Peer supervision with an experienced peer worker is arranged."),
    ),
    RECRUITMENT: (
        ChecklistItem("posts-advertised", "HR", "The posts have been advertised where people with lived experience will see them."),
        ChecklistItem("panel-lived", "HR", "The interview panel includes someone with lived experience."),
        ChecklistItem("adjustments-offered", "Occupational health", "Every applicant was offered reasonable adjustments for interview."),
        ChecklistItem("training-booked", "Supervision", "The peer training course is booked for the people appointed."),
    ),
    EMPLOYMENT: (
        ChecklistItem("training-done", "Supervision", "Each peer worker has finished the training course."),
        ChecklistItem("induction-done", "Teams", "Each peer worker has had an induction in their team."),
        ChecklistItem("supervisor-named", "Supervision", "Each peer worker has a named supervisor and regular sessions."),
        ChecklistItem("wellbeing-plans", "Occupational health", "Each worker who wanted one has a wellbeing plan."),
    ),
    DEVELOPMENT: (
        ChecklistItem("career-path", "HR", "Peer workers can progress to senior and lead peer roles."),
        ChecklistItem("peer-network", "Supervision", "Peer workers meet regularly as a group."),
        ChecklistItem("role-reviewed", "Managers", "The peer role has been reviewed with peer workers this year."),
    ),
}  # fmt: skip

# Eight plain-English questions for reviewing a policy against recovery values.
POLICY_QUESTIONS: tuple[tuple[str, str], ...] = (
    ("strengths", "Does the policy talk about people's strengths, not only their risks?"),
    ("choice", "Does it give people real choices about their care and support?"),
    ("coproduced", "Were people with lived experience involved in writing it?"),
    ("hope", "Does it expect that people can have a good life, with or without symptoms?"),
    ("language", "Is it written in plain language, without labels that blame or belittle?"),
    ("positive-risk", "Does it allow people to take reasonable risks to reach their goals?"),
    ("shared-safety", "Does it say safety plans are written with the person, in their words?"),
    ("staff-support", "Does it support staff to work in a recovery-focused way?"),
)
POLICY_ANSWERS = (("yes", "Yes"), ("partly", "Partly"), ("no", "No"))

# Twenty-five short labels for the items of an IPS fidelity review, each scored 1 to 5.
IPS_ITEMS: tuple[str, ...] = (
    "Caseload size",
    "Employment services staff",
    "Vocational generalists",
    "Integration with treatment teams",
    "Vocational and clinical contact",
    "Collaboration with benefits advice",
    "Vocational unit",
    "Role of the employment supervisor",
    "Zero exclusion",
    "Agency focus on work",
    "Executive team support",
    "Work incentives planning",
    "Disclosure",
    "Ongoing work-based assessment",
    "Rapid search for work",
    "Individualised job search",
    "Job development: frequent contact",
    "Job development: quality of contact",
    "Diversity of job types",
    "Diversity of employers",
    "Competitive jobs",
    "Individualised follow-along support",
    "Time-unlimited support",
    "Community-based services",
    "Assertive engagement and outreach",
)
IPS_MIN_TOTAL, IPS_MAX_TOTAL = len(IPS_ITEMS), 5 * len(IPS_ITEMS)

# (lowest total in the band, label), highest band first.
IPS_BANDS: tuple[tuple[int, str], ...] = (
    (115, "Exemplary fidelity"),
    (100, "Good fidelity"),
    (74, "Fair fidelity"),
    (0, "Not supported employment"),
)


def ips_band(total: int) -> str:
    """The fidelity band of an IPS review total (25 to 125)."""
    return next(label for lowest, label in IPS_BANDS if total >= lowest)
