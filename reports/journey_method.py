"""The report's method text for its journeys section, in plain words (rendered in the
dashboard's and the PDF's method section; reasons and sources in
docs/decisions/0010-following-people.md)."""

from __future__ import annotations

JOURNEY_METHOD = (
    (
        "Following the same people",
        "A journey code links one person's answers at different stages of the pathway. Where "
        "a person answered a stage more than once, only their latest answer there counts, so "
        "each person counts once per stage. For each pair of stages, each person's change is "
        "their own score at the later stage minus their own score at the earlier one, on each "
        "questionnaire they answered at both. Across a move between services, the change runs "
        "from the nearest stage they answered before the move to the nearest one after it.",
    ),
    (
        "How sure the change is",
        "The range given with a mean change is a 95% interval for paired answers (Student's t "
        "on the people's own changes). A change is called 'got worse' or 'got better' only when "
        "chance is an unlikely explanation: we ask how often the changes would average this "
        "far from zero if each person's earlier and later answers could have been the other "
        "way round. These comparisons are judged together with every other comparison in the "
        "report, with the same control of false alarms.",
    ),
    (
        "Who is followed up",
        "Not everyone answers again at a later stage. For each stage we give the share of its "
        "people who answered at a later stage, and check whether those followed up had scored "
        "differently at that stage from those who were not. If they had, changes along the "
        "journey describe the people who stayed in touch, who may not be typical: for example, "
        "people who had a poor experience may be less likely to answer again.",
    ),
    (
        "Paths and whole journeys",
        "Flows count people moving from one service to the next between the stages they "
        "answered; the common paths are whole journeys taken by at least the threshold number "
        "of people. A journey score is the mean of a person's own scores at the stages they "
        "answered, for people who answered two or more; groups are compared with everyone "
        "followed, as elsewhere in the report.",
    ),
    (
        "Nobody singled out",
        "A change, flow, path or follow-up figure about fewer people than the threshold is not "
        "shown. Flows, follow-up counts and paths are checked together, as a reader holding the "
        "whole report would combine them, so that a hidden count cannot be worked out by "
        "subtraction; a path is listed only when nothing smaller can be worked out from it. "
        "Nothing in the report describes one person's journey.",
    ),
)
