"""Which names the registry knows, with and without REPLICATE_API_TOKEN."""

from __future__ import annotations

import imageio_ffmpeg
import pytest

from agent.errors import UserError
from agent.media import Media
from agent.providers.registry import default_registry
from agent.providers.replicate import ReplicateImages, ReplicateMusic, ReplicateVideo
from agent.providers.replicate.catalog import load_catalog
from agent.settings import Settings

MEDIA = Media(imageio_ffmpeg.get_ffmpeg_exe())


def test_without_a_token_only_local_is_registered(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("REPLICATE_API_TOKEN", raising=False)
    registry = default_registry(MEDIA, Settings(replicate_api_token=None))
    assert list(registry.images) == ["local"]
    assert list(registry.videos) == ["local"]
    assert list(registry.music) == ["local"]
    with pytest.raises(UserError, match=r"unknown video model 'hailuo'; known: local$"):
        registry.video("hailuo")


def test_with_a_token_replicate_models_and_aliases_are_registered() -> None:
    registry = default_registry(MEDIA, Settings(replicate_api_token="r8_test"))
    assert set(registry.images) == {"local", "replicate:flux-schnell", "replicate:flux-dev"}
    assert set(registry.videos) == {
        "local",
        "replicate:hailuo-02",
        "replicate:hailuo-2.3",
        "replicate:hailuo-2.3-fast",
        "replicate:kling-v2.1",
        "replicate:kling-v2.1-pro",
        "replicate:veo-3.1",
        "replicate:veo-3.1-fast",
        "replicate:wan-2.2-i2v-fast",
    }
    assert set(registry.music) == {"local", "replicate:musicgen"}
    assert registry.image("flux") is registry.image("replicate:flux-schnell")
    assert registry.video("hailuo") is registry.video("replicate:hailuo-02")
    assert registry.video("kling") is registry.video("replicate:kling-v2.1")
    assert registry.video("veo") is registry.video("replicate:veo-3.1-fast")
    assert registry.video("wan") is registry.video("replicate:wan-2.2-i2v-fast")
    assert registry.music_model("musicgen") is registry.music_model("replicate:musicgen")
    assert isinstance(registry.image("flux"), ReplicateImages)
    assert isinstance(registry.video("veo"), ReplicateVideo)
    assert isinstance(registry.music_model("musicgen"), ReplicateMusic)
    assert registry.video("local").end_frame is False
    assert registry.video("hailuo").end_frame is True
    assert registry.video("kling").end_frame is False
    assert registry.video("replicate:kling-v2.1-pro").end_frame is True
    assert registry.video("wan").clip_lengths_s == (5.0,)


def test_unknown_names_list_the_known_ones_and_aliases() -> None:
    registry = default_registry(MEDIA, Settings(replicate_api_token="r8_test"))
    with pytest.raises(UserError) as info:
        registry.video("sora")
    message = str(info.value)
    assert message.startswith("unknown video model 'sora'; known: local, replicate:hailuo-02")
    assert message.endswith("hailuo, kling, veo, wan")
    with pytest.raises(UserError, match="unknown image model 'hailuo'"):
        registry.image("hailuo")  # a video alias is not an image model


def test_licences_of_non_commercial_models_are_stated() -> None:
    registry = default_registry(MEDIA, Settings(replicate_api_token="r8_test"))
    flux_dev = registry.image("replicate:flux-dev")
    musicgen = registry.music_model("musicgen")
    assert isinstance(flux_dev, ReplicateImages) and isinstance(musicgen, ReplicateMusic)
    assert flux_dev.model.commercial_use is False and "Non-Commercial" in flux_dev.model.licence
    assert musicgen.model.commercial_use is False and "CC-BY-NC" in musicgen.model.licence


def test_licence_notes_name_only_the_non_commercial_models_chosen() -> None:
    catalog = load_catalog()
    assert catalog.find("kling") is catalog.models["kling-v2.1"]
    assert catalog.find("replicate:flux-dev") is catalog.models["flux-dev"]
    assert catalog.find("local") is None
    notes = catalog.licence_notes(
        ["local", "replicate:flux-dev", "hailuo", "musicgen", "replicate:flux-dev"]
    )
    assert len(notes) == 2  # once each, in the order given
    assert notes[0].startswith("replicate:flux-dev: ") and "Non-Commercial" in notes[0]
    assert notes[1].startswith("musicgen: ") and "CC-BY-NC" in notes[1]
    assert catalog.licence_notes(["local", "flux", "kling", "local"]) == []
