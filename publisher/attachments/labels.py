"""How a file is described to a reader: its kind ("PDF", "Word") and its size."""

from __future__ import annotations

from typing import Any

from publisher.attachments.detect import BY_CONTENT_TYPE


def file_size(size: int) -> str:
    """1.2 MB, 340 KB, 12 B: what a reader needs to decide to download on a phone."""
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.1f} MB"
    if size >= 1024:
        return f"{size / 1024:.0f} KB"
    return f"{size} B"


def kind_label(content_type: str) -> str:
    kind = BY_CONTENT_TYPE.get(content_type)
    return kind.label if kind else content_type


def has_thumbnail(content_type: str) -> bool:
    kind = BY_CONTENT_TYPE.get(content_type)
    return bool(kind and kind.thumbnail)


def install(env: Any) -> None:
    """The filter and globals the attachment templates (staff and portal) use."""
    env.filters["file_size"] = file_size
    env.globals["attachment_kind"] = kind_label
    env.globals["attachment_thumbnail"] = has_thumbnail
