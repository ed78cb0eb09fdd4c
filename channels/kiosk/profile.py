"""A kiosk's own settings (POST /api/v1/devices `profile`)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class KioskProfile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    orientation: Literal["auto", "portrait", "landscape"] = "auto"
    # Seconds without a touch before the screen returns to the carousel.
    idle_s: int = Field(90, ge=10, le=3600)
