"""Every message a respondent can see when an answer needs fixing, in one place."""

CHOOSE_AGREEMENT = "Select an answer for \u201c{statement}\u201d"


def choose_agreement(statement: str, limit: int = 60) -> str:
    """Name the statement, shortened at a word, so each line of the error summary differs."""
    if len(statement) > limit:
        statement = statement[:limit].rsplit(" ", 1)[0].rstrip(",;:") + "\u2026"
    return CHOOSE_AGREEMENT.format(statement=statement)


CHOOSE_ROLE = "Select who is answering"
CHOOSE_SERVICE = "Select the service you are telling us about"
CHOOSE_FROM = "Select where you moved from"
CHOOSE_TO = "Select where you moved to"
CHOOSE_HAS_CODE = "Select yes if you have a journey code, or no if you do not"
CHOOSE_ABOUT_YOU = "Select yes if you want to tell us about yourself, or no to skip this"
CHOOSE_STAGE = "Select the part of your care you want to tell us about"
NOT_AN_OPTION = "Select one of the options shown"
