"""Small rules of how drillhub words things, shared by pages, PDFs and the scenario checker."""


def counted(n: int, thing: str) -> str:
    """'1 player', '3 players'."""
    return f"{n} {thing}{'' if n == 1 else 's'}"
