"""Optional YAML front matter at the top of Markdown notes (``---`` … ``---``)."""

from __future__ import annotations

from typing import Any

from bot import safe_yaml
from bot.ingest.documents import DocumentError


def split_front_matter(text: str) -> tuple[dict[str, Any], str]:
    """Return ``(front matter, body)``; a note without front matter has an empty dict."""
    if not text.startswith("---"):
        return {}, text
    lines = text.splitlines(keepends=True)
    for index in range(1, len(lines)):
        if lines[index].strip() == "---":
            header = "".join(lines[1:index])
            body = "".join(lines[index + 1 :])
            try:
                data = safe_yaml.load(header) or {}
            except safe_yaml.YamlError as error:
                raise DocumentError(f"front matter is not valid YAML: {error}") from error
            if not isinstance(data, dict):
                raise DocumentError("front matter must be a mapping (title:, date:, group:)")
            return {str(key): value for key, value in data.items()}, body
    raise DocumentError("front matter opened with '---' is never closed")
