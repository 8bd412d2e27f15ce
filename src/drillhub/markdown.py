"""Markdown from scenario authors, rendered safely: raw HTML is shown as text, unsafe links are dropped."""

from functools import cache, lru_cache

from markdown_it import MarkdownIt
from markupsafe import Markup


@cache
def _renderer() -> MarkdownIt:
    return MarkdownIt("commonmark", {"html": False}).enable("table")


@lru_cache(maxsize=2048)  # scenario texts are shown again and again: every page of every participant
def render_markdown(text: str) -> Markup:
    return Markup(_renderer().render(text or ""))  # noqa: S704 - markdown-it escapes; HTML is off
