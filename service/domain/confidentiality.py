"""The observer's promise of confidentiality, versioned like the family's information text."""

CONFIDENTIALITY_STATEMENT_VERSION = "1"
CONFIDENTIALITY_STATEMENT = (
    "I will keep everything I see, hear and read at the conference confidential. I will not "
    "record it, take notes that identify the family, or discuss it with anyone except my "
    "supervisor, and then only for my learning. I will leave the conference at once if the "
    "chair or the family asks me to."
)
