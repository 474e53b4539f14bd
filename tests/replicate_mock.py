"""Shared pieces of the recorded-HTTP Replicate tests: the fake API's address, its recorded
responses (``tests/fixtures/replicate``), the catalog and a client that polls fast."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

from PIL import Image
from pydantic import SecretStr

from agent.providers.replicate import ReplicateClient, load_catalog

BASE = "https://api.replicate.test/v1"
FIXTURES = Path(__file__).resolve().parent / "fixtures" / "replicate"
CATALOG = load_catalog()


def fixture(name: str, **changes: Any) -> dict[str, Any]:
    """A recorded response (``tests/fixtures/replicate/<name>.json``) with ``changes`` applied."""
    data: dict[str, Any] = json.loads((FIXTURES / f"{name}.json").read_text())
    return {**data, **changes}


def fast_client(token: str = "r8_test") -> ReplicateClient:
    """A client on :data:`BASE` that polls every 10-50 ms and retries after 10 ms."""
    return ReplicateClient(
        SecretStr(token),
        BASE,
        poll_interval_s=0.01,
        max_poll_interval_s=0.05,
        retry_base_s=0.01,
    )


def png(colour: str = "red", size_px: tuple[int, int] = (1280, 720)) -> bytes:
    """A one-colour PNG, as an image model would return."""
    buf = io.BytesIO()
    Image.new("RGB", size_px, colour).save(buf, format="PNG")
    return buf.getvalue()
