"""The summary's rules, one by one: plain sentences that say exactly what the figures say."""

from __future__ import annotations

import datetime as dt

from imroc.reports import summary
from imroc.reports.summary import Facts, summary_sentences

JUNE_2011, MAY_2014 = dt.date(2011, 6, 14), dt.date(2014, 5, 2)


def facts(**kwargs) -> Facts:
    return Facts(site="Ashdown Vale", **kwargs)


def test_count_and_join_words():
    assert summary.count(1, "goal") == "1 goal"
    assert summary.count(0, "goal") == "0 goals"
    assert summary.count(2, "agency", "agencies") == "2 agencies"
    assert summary.join_words([]) == ""
    assert summary.join_words(["a"]) == "a"
    assert summary.join_words(["a", "b"]) == "a and b"
    assert summary.join_words(["a", "b", "c"]) == "a, b and c"


def test_progress_without_a_closed_round():
    assert summary.progress(facts()) == [
        "No self-assessment round had been closed by the end of the period, so there is no "
        "agreed stage to report yet."
    ]


def test_progress_with_only_the_baseline():
    f = facts(baseline_on=JUNE_2011, latest_on=JUNE_2011, stages_compared=10)
    assert summary.progress(f) == [
        "The baseline self-assessment was agreed in June 2011. There is no later round to "
        "compare it with yet."
    ]


def test_progress_up_down_and_unchanged():
    up = facts(baseline_on=JUNE_2011, latest_on=MAY_2014, stages_up=5, stages_compared=10)
    assert summary.progress(up) == [
        "Since the baseline in June 2011, the agreed stage has risen on 5 of the 10 challenges "
        "(latest round: May 2014)."
    ]
    both = facts(baseline_on=JUNE_2011, latest_on=MAY_2014, stages_up=2, stages_down=1,
                 stages_compared=10, rounds_in_period=1)  # fmt: skip
    assert summary.progress(both) == [
        "Since the baseline in June 2011, the agreed stage has risen on 2 and fallen on 1 of the "
        "10 challenges (latest round: May 2014).",
        "1 self-assessment round was held in this period.",
    ]
    same = facts(baseline_on=JUNE_2011, latest_on=MAY_2014, stages_compared=1, rounds_in_period=2)
    assert summary.progress(same) == [
        "Since the baseline in June 2011, the agreed stage has not changed on any of the 1 challenge.",
        "2 self-assessment rounds were held in this period.",
    ]


def test_goals():
    assert summary.goals(facts()) == ["The site has no open or achieved goals."]
    assert summary.goals(facts(goals_open=1, goals_achieved=2, goals_overdue=1)) == [
        "The site has 1 open goal and has achieved 2.",
        "1 goal review is overdue.",
    ]
    assert summary.goals(facts(goals_open=3, goals_overdue=2))[1] == "2 goal reviews are overdue."


def test_cycles():
    assert summary.cycles(facts()) == ["No PDSA cycles were completed in this period."]
    assert summary.cycles(facts(cycles_completed=1, cycles_adopted=1)) == [
        "1 PDSA cycle was completed in this period: 1 adopted."
    ]
    assert summary.cycles(
        facts(cycles_completed=6, cycles_adopted=1, cycles_adapted=4, cycles_abandoned=1)
    ) == ["6 PDSA cycles were completed in this period: 1 adopted, 4 adapted and 1 abandoned."]


def test_measures():
    assert summary.measures(facts()) == ["The site does not track any measures yet."]
    assert summary.measures(facts(measures=4)) == [
        "None of the 4 measures shows a special-cause signal now: they vary only as they usually do."
    ]
    assert summary.measures(facts(measures=8, measures_improving=1, measures_concern=2)) == [
        "Of 8 measures, 1 shows special-cause improvement and 2 show special-cause concern."
    ]


def test_coproduction():
    assert summary.coproduction(facts()) == []
    assert summary.coproduction(facts(ratings=12)) == [
        "None of the 12 self-assessment ratings came from service users or carers."
    ]
    assert summary.coproduction(facts(ratings=3, lived_ratings=1, co_lead_share=50)) == [
        "Service users and carers gave 33% of the 3 self-assessment ratings.",
        "50% of goals have a lived-experience co-lead.",
    ]


def test_college():
    assert summary.college(facts()) == ["The site has no recovery college yet."]
    assert summary.college(facts(college_runs=0)) == [
        "The recovery college has not run any courses yet."
    ]
    assert summary.college(facts(college_runs=20, college_co_delivered_share=95)) == [
        "95% of the college's 20 course runs were co-delivered by a peer trainer and a practitioner."
    ]


def test_workforce():
    assert summary.workforce(facts()) == ["0 peer support workers are in post."]
    assert summary.workforce(facts(peer_workers=1, training_coverage=79, training_target=80)) == [
        "1 peer support worker is in post.",
        "79% of staff in scope have had recovery training, below the target of 80%.",
    ]
    assert summary.workforce(facts(peer_workers=4, training_coverage=80, training_target=80))[
        1
    ] == ("80% of staff in scope have had recovery training, meeting the target of 80%.")


def test_sentences_come_in_section_order():
    sentences = summary_sentences(facts(measures=2, peer_workers=3))
    assert sentences == [
        "No self-assessment round had been closed by the end of the period, so there is no "
        "agreed stage to report yet.",
        "The site has no open or achieved goals.",
        "No PDSA cycles were completed in this period.",
        "None of the 2 measures shows a special-cause signal now: they vary only as they usually do.",
        "The site has no recovery college yet.",
        "3 peer support workers are in post.",
    ]


def test_months_are_named_in_the_active_language():
    from django.utils import translation

    f = facts(baseline_on=JUNE_2011, latest_on=JUNE_2011, stages_compared=10)
    with translation.override("cy"):
        sentence = summary.progress(f)[0]
    assert "Mehefin 2011" in sentence and "June" not in sentence
