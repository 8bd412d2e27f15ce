"""One page of a long list, the same way on every list page."""

from dataclasses import dataclass
from typing import Any

from drillhub import parse

PER_PAGE = 25


@dataclass(frozen=True)
class Page:
    items: list[Any]
    number: int
    total: int
    per_page: int = PER_PAGE

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.pages


def page_number(raw: str) -> int:
    return parse.whole_number(raw, 1) or 1


async def fetch_page(select, count, number: int, per_page: int = PER_PAGE) -> Page:
    """Run a Piccolo select (already filtered and ordered) and its matching count for one page."""
    total = await count
    number = min(number, max(1, -(-total // per_page)))
    items = await select.limit(per_page).offset((number - 1) * per_page)
    return Page(items=items, number=number, total=total, per_page=per_page)
