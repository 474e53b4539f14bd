"""The chat's history file route follows the chat's root path (``chainlit run --root-path``)."""

from __future__ import annotations

import asyncio
import warnings
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from agent.errors import NotFound

with warnings.catch_warnings():
    # Chainlit's telemetry dependency declares a class-based pydantic config as it is imported
    warnings.simplefilter("ignore", DeprecationWarning)
    from chainlit.auth import get_current_user
    from chainlit.config import config

    from ui.chat_storage import ArtifactStorageClient, add_file_route

ELEMENT = "0001f3c2-7a3e-4c55-9a1b-2b7f5d6e8a90"


class _Files:
    def __init__(self, path: Path) -> None:
        self.path = path

    async def owned(self, element_id: str, user: str) -> tuple[Path, str]:
        if element_id != ELEMENT or user != "alice":
            raise NotFound("no such chat file")
        return self.path, "image/png"


def _client(tmp_path: Path) -> tuple[TestClient, ArtifactStorageClient]:
    blob = tmp_path / "frame.png"
    blob.write_bytes(b"\x89PNG frame")
    studio: Any = SimpleNamespace(chat_files=_Files(blob))

    async def open_studio() -> Any:
        return studio

    app = FastAPI()
    add_file_route(app, open_studio)
    app.dependency_overrides[get_current_user] = lambda: SimpleNamespace(identifier="alice")
    return TestClient(app), ArtifactStorageClient(open_studio)


@pytest.mark.parametrize("root", ["", "/studio", "/studio/"])
def test_the_url_handed_out_is_the_one_the_server_answers(
    root: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(config.run, "root_path", root)
    client, storage = _client(tmp_path)
    url = asyncio.run(storage.get_read_url(f"{'a' * 64}/alice-id/{ELEMENT}/frame.png"))

    assert url.startswith(root.rstrip("/") + "/reelgraph/chat-file/")
    got = client.get(url)
    assert got.status_code == 200 and got.content == b"\x89PNG frame"
    assert got.headers["content-type"] == "image/png"
    if root:  # the unprefixed path is not this chat's: a proxy under /studio never sends it
        assert client.get(f"/reelgraph/chat-file/{ELEMENT}").status_code == 404


def test_another_users_file_is_not_found(tmp_path: Path) -> None:
    client, _ = _client(tmp_path)
    other = "8f1c0b2e-0000-4000-8000-000000000000"
    assert client.get(f"/reelgraph/chat-file/{other}").status_code == 404
