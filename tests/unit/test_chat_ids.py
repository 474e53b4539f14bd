"""Ids of what the chat writes: one event of a thread has one id, whoever writes it."""

from __future__ import annotations

import uuid
import warnings

with warnings.catch_warnings():
    # Chainlit's telemetry dependency declares a class-based pydantic config as it is imported
    warnings.simplefilter("ignore", DeprecationWarning)
    from ui.chat_storage import keyed_id, ordered_id


def test_the_same_key_gives_the_same_ids_and_another_key_others() -> None:
    key = "thread-1/pause/branch-thread/checkpoint-7"
    assert keyed_id(key) == keyed_id(key)
    assert [keyed_id(key, i) for i in range(1, 4)] == [keyed_id(key, i) for i in range(1, 4)]
    assert keyed_id(key) != keyed_id("thread-2/pause/branch-thread/checkpoint-7")
    assert keyed_id(key) != keyed_id(key + "/preview")
    assert len({keyed_id(key, i) for i in range(10)}) == 10


def test_a_keyed_messages_elements_sort_in_the_order_sent() -> None:
    """The history hands elements back sorted by id (HistoryDataLayer): 1, 2 … 12, not 1, 10."""
    ids = [keyed_id("thread/pause/x/y", i) for i in range(1, 13)]
    assert sorted(ids) == ids
    assert all(uuid.UUID(i) for i in ids)  # Chainlit's columns are UUIDs


def test_ordered_ids_still_sort_in_the_order_made() -> None:
    ids = [ordered_id() for _ in range(50)]
    assert sorted(ids) == ids
