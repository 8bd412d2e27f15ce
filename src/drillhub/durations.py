"""How drillhub writes a duration: minutes and seconds, as a clock does."""


def minutes_seconds(seconds: int) -> str:
    """150 -> '2:30': a clock, a time left, a time since the start, a time taken to decide."""
    return f"{seconds // 60}:{seconds % 60:02d}"
