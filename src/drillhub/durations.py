"""How drillhub writes a duration: minutes and seconds, as a clock does."""


def minutes_seconds(seconds: int) -> str:
    """150 -> '2:30': a clock, a time left, a time since the start, a time taken to decide."""
    return f"{seconds // 60}:{seconds % 60:02d}"


def clock(seconds: int | None) -> str:
    """minutes_seconds, or '–' when nothing was timed."""
    return "–" if seconds is None else minutes_seconds(seconds)
