"""Words the questionnaire says outside the instrument files, the same on the phone and on
paper: who is answering, which service or which move, the free-text page and About you.

The phone (``app.survey``) and the printed form (``app.paper_questionnaire``) both read them
here, so a change of wording reaches both.
"""

from __future__ import annotations

ROLE_QUESTION = "Who is answering these questions?"
ROLE_LABELS = {
    "patient": "I am the patient, answering for myself",
    "carer": "I am a carer, family member or friend, answering about the person I care for",
    "helped": "I am helping the patient to give their own answers",
}
SERVICE_QUESTION = "Which service are you telling us about?"
MOVE_QUESTION = "Where did you move from and to?"
MOVED_FROM_QUESTION = "Where did you move from?"
MOVED_TO_QUESTION = "Where did you move to?"
COMMENTS_TITLE = "In your own words"
COMMENTS_HINT = "These questions are optional. You can leave them blank."
ABOUT_YOU_HINT = 'Every question is optional. You can choose "Prefer not to say" for any of them.'
