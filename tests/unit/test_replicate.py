"""Replicate providers on the wire: request inputs per model, polling, retries, deadlines.

HTTP is mocked with respx at the request level (recorded responses in
tests/fixtures/replicate/), so these tests run offline and check what Replicate would receive.
"""

from __future__ import annotations

import asyncio
import base64
import io
import json
import os
import time
import wave
from pathlib import Path
from typing import Any

import httpx
import imageio_ffmpeg
import pytest
import respx
from PIL import Image
from pydantic import SecretStr

from agent.errors import ProviderError, ProviderTimeout, UserError
from agent.media import Media
from agent.providers.base import ClipRequest, ImageRequest, MusicRequest
from agent.providers.local.planner import plan_spec
from agent.providers.replicate import (
    ReplicateClient,
    ReplicateImages,
    ReplicateMusic,
    ReplicateVideo,
)
from agent.spec import MusicBrief
from tests.replicate_mock import BASE, CATALOG, fast_client, fixture, png

OUTPUT = "https://replicate.delivery/xezq/rg0000created/output.bin"
PID = "rg0000created"


def client() -> ReplicateClient:
    return fast_client("r8_secret_test_token")


def png_bytes(size_px: tuple[int, int] = (64, 36), colour: str = "red") -> bytes:
    return png(colour, size_px)


def wav_bytes(duration_s: float, rate_hz: int = 32000) -> bytes:
    buf = io.BytesIO()
    with wave.open(buf, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate_hz)
        w.writeframes(b"\x00\x10" * int(duration_s * rate_hz))
    return buf.getvalue()


def data_uri_bytes(uri: str) -> bytes:
    header, _, payload = uri.partition(",")
    assert header.startswith("data:") and header.endswith(";base64")
    return base64.b64decode(payload)


@pytest.fixture
def frames(tmp_path: Path) -> tuple[Path, Path]:
    start, end = tmp_path / "start.png", tmp_path / "end.png"
    start.write_bytes(png_bytes(colour="red"))
    end.write_bytes(png_bytes(colour="blue"))
    return start, end


def clip_request(
    frames: tuple[Path, Path], clip_s: float, *, end: bool, size_px: tuple[int, int] = (1280, 720)
) -> ClipRequest:
    start, last = frames
    return ClipRequest(
        start_image=start,
        start_sha256="a" * 64,
        end_image=last if end else None,
        end_sha256="b" * 64 if end else None,
        prompt="the sneaker spins",
        camera="orbit",
        clip_s=clip_s,
        size_px=size_px,
        seed=7,
    )


def image_request(size_px: tuple[int, int] = (1280, 720)) -> ImageRequest:
    spec = plan_spec("A 30-second Nike sneaker ad, energetic", 30.0, "16:9", 1)
    return ImageRequest(
        spec=spec, beat=spec.beats[0], prompt=spec.beats[0].image_prompt, size_px=size_px, seed=3
    )


class Api:
    """A mocked Replicate: records creates, polls and cancels; answers from the fixtures."""

    def __init__(
        self, router: respx.MockRouter, output: bytes = b"\x00\x00\x00\x18ftypmp42"
    ) -> None:
        self.creates: list[httpx.Request] = []
        self.polls = 0
        self.states = ["processing", "succeeded"]
        self.cancel = router.post(f"{BASE}/predictions/{PID}/cancel").mock(
            return_value=httpx.Response(200, json=fixture("canceled"))
        )
        router.post(url__regex=rf"{BASE}/(models/.+/)?predictions$").mock(side_effect=self._create)
        router.get(f"{BASE}/predictions/{PID}").mock(side_effect=self._poll)
        self.download = router.get(OUTPUT).mock(return_value=httpx.Response(200, content=output))

    def _create(self, request: httpx.Request) -> httpx.Response:
        self.creates.append(request)
        return httpx.Response(201, json=fixture("created"))

    def _poll(self, request: httpx.Request) -> httpx.Response:
        state = self.states[min(self.polls, len(self.states) - 1)]
        self.polls += 1
        return httpx.Response(200, json=fixture(state))

    def body(self, i: int = 0) -> dict[str, Any]:
        body: dict[str, Any] = json.loads(self.creates[i].content)
        return body


# --------------------------------------------------------------------------- request inputs

VIDEO_EXPECTED: dict[str, dict[str, Any]] = {
    # model: (path, start field, end field or None, exact extra fields, fields that must be absent)
    "hailuo-02": {
        "path": "/v1/models/minimax/hailuo-02/predictions",
        "start": "first_frame_image",
        "end": "last_frame_image",
        "clip_s": 6.0,
        "fields": {"duration": 6, "resolution": "768p", "prompt_optimizer": False},
        "absent": {"seed", "aspect_ratio"},
    },
    "hailuo-2.3": {
        "path": "/v1/models/minimax/hailuo-2.3/predictions",
        "start": "first_frame_image",
        "end": None,
        "clip_s": 10.0,
        "fields": {"duration": 10, "resolution": "768p"},
        "absent": {"last_frame_image", "seed"},
    },
    "hailuo-2.3-fast": {
        "path": "/v1/models/minimax/hailuo-2.3-fast/predictions",
        "start": "first_frame_image",
        "end": None,
        "clip_s": 6.0,
        "fields": {"duration": 6, "resolution": "768p"},
        "absent": {"last_frame_image", "seed"},
    },
    "kling-v2.1": {
        "path": "/v1/models/kwaivgi/kling-v2.1/predictions",
        "start": "start_image",
        "end": None,
        "clip_s": 5.0,
        "fields": {"duration": 5, "mode": "standard"},
        "absent": {"end_image", "seed", "aspect_ratio"},
    },
    "kling-v2.1-pro": {
        "path": "/v1/models/kwaivgi/kling-v2.1/predictions",
        "start": "start_image",
        "end": "end_image",
        "clip_s": 10.0,
        "fields": {"duration": 10, "mode": "pro"},
        "absent": {"seed", "aspect_ratio"},
    },
    "veo-3.1": {
        "path": "/v1/models/google/veo-3.1/predictions",
        "start": "image",
        "end": "last_frame",
        "clip_s": 8.0,
        "fields": {"duration": 8, "aspect_ratio": "16:9", "seed": 7, "generate_audio": False},
        "absent": {"reference_images"},
    },
    "veo-3.1-fast": {
        "path": "/v1/models/google/veo-3.1-fast/predictions",
        "start": "image",
        "end": "last_frame",
        "clip_s": 4.0,
        "fields": {"duration": 4, "aspect_ratio": "16:9", "seed": 7, "generate_audio": False},
        "absent": set(),
    },
    "wan-2.2-i2v-fast": {
        "path": "/v1/models/wan-video/wan-2.2-i2v-fast/predictions",
        "start": "image",
        "end": None,
        "clip_s": 5.0,
        "fields": {"num_frames": 81, "frames_per_second": 16, "resolution": "720p", "seed": 7},
        "absent": {"duration", "last_image"},
    },
}


def test_every_catalog_video_model_has_a_wire_test() -> None:
    assert {m.name for m in CATALOG.of("video")} == set(VIDEO_EXPECTED)


@pytest.mark.asyncio
@pytest.mark.parametrize("name", sorted(VIDEO_EXPECTED))
async def test_video_create_request_matches_the_model_schema(
    name: str, frames: tuple[Path, Path], tmp_path: Path
) -> None:
    want = VIDEO_EXPECTED[name]
    video = ReplicateVideo(CATALOG.models[name], client)
    assert video.end_frame == (want["end"] is not None)
    with respx.mock(assert_all_called=False) as router:
        api = Api(router)
        await video.animate(
            clip_request(frames, want["clip_s"], end=video.end_frame), tmp_path / "o.mp4"
        )
    assert len(api.creates) == 1
    request = api.creates[0]
    assert request.url.path == want["path"]
    assert request.headers["authorization"] == "Bearer r8_secret_test_token"
    body = api.body()
    assert "version" not in body
    inputs = body["input"]
    assert data_uri_bytes(inputs[want["start"]]) == frames[0].read_bytes()
    assert inputs[want["start"]].startswith("data:image/png;base64,")  # whatever the file name
    if want["end"]:
        assert data_uri_bytes(inputs[want["end"]]) == frames[1].read_bytes()
    assert inputs["prompt"] == "the sneaker spins. Camera: orbit."
    for field, value in want["fields"].items():
        assert inputs[field] == value, field
    assert not want["absent"] & set(inputs)
    assert (tmp_path / "o.mp4").read_bytes() == api.download.calls.last.response.content


@pytest.mark.asyncio
@pytest.mark.parametrize(("name", "path"), [
    ("flux-schnell", "/v1/models/black-forest-labs/flux-schnell/predictions"),
    ("flux-dev", "/v1/models/black-forest-labs/flux-dev/predictions"),
])  # fmt: skip
async def test_flux_request_and_png_of_the_asked_size(name: str, path: str, tmp_path: Path) -> None:
    images = ReplicateImages(CATALOG.models[name], client)
    req = image_request((720, 1280))
    dst = tmp_path / "beat.png"
    with respx.mock(assert_all_called=False) as router:
        api = Api(router, output=png_bytes((768, 1344), "green"))  # FLUX's 9:16 megapixel
        await images.draw(req, dst)
    assert api.creates[0].url.path == path
    inputs = api.body()["input"]
    assert inputs["aspect_ratio"] == "9:16"
    assert inputs["seed"] == 3
    assert inputs["output_format"] == "png"
    assert inputs["prompt"].startswith(req.prompt)
    assert req.spec.style.palette[0] in inputs["prompt"]
    with Image.open(dst) as image:
        assert image.format == "PNG" and image.size == (720, 1280)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["beat.png"]


def photo_request(tmp_path: Path, beat_type: str) -> ImageRequest:
    """A 16:9 request for the first beat of ``beat_type``, with a tall red product photo."""
    photo = tmp_path / "blob"  # store blobs have no extension
    photo.write_bytes(png_bytes((300, 600), "red"))
    req = image_request()
    beat = next(b for b in req.spec.beats if b.type == beat_type)
    return req.model_copy(update={"beat": beat, "reference": photo, "reference_sha256": "c" * 64})


@pytest.mark.asyncio
async def test_flux_dev_starts_a_product_beat_from_the_photo_padded_to_the_frame(
    tmp_path: Path,
) -> None:
    req = photo_request(tmp_path, "product_reveal")
    images = ReplicateImages(CATALOG.models["flux-dev"], client)
    with respx.mock(assert_all_called=False) as router:
        api = Api(router, output=png_bytes((1344, 768), "green"))
        await images.draw(req, tmp_path / "beat.png")
    inputs = api.body()["input"]
    assert inputs["image"].startswith("data:image/png;base64,")
    assert inputs["prompt_strength"] == 0.8
    with Image.open(io.BytesIO(data_uri_bytes(inputs["image"]))) as sent:
        # the whole photo, centred, on the palette's first colour: FLUX keeps its aspect ratio
        assert sent.size == (1280, 720)
        assert sent.convert("RGB").getpixel((640, 360)) == (255, 0, 0)
        background = Image.new("RGB", (1, 1), req.spec.style.palette[0]).getpixel((0, 0))
        assert sent.convert("RGB").getpixel((5, 360)) == background
    assert sorted(p.name for p in tmp_path.iterdir()) == ["beat.png", "blob"]
    plain = req.model_copy(update={"reference": None, "reference_sha256": None})
    assert images.describe(req).key != images.describe(plain).key
    assert images.describe(req).inputs == ("c" * 64,)


@pytest.mark.asyncio
@pytest.mark.parametrize(("name", "beat_type"), [
    ("flux-dev", "lifestyle"),  # a scene: drawn from the prompt
    ("flux-schnell", "product_reveal"),  # no image input
])  # fmt: skip
async def test_the_photo_is_left_out_where_the_model_or_beat_cannot_use_it(
    name: str, beat_type: str, tmp_path: Path
) -> None:
    req = photo_request(tmp_path, beat_type)
    images = ReplicateImages(CATALOG.models[name], client)
    with respx.mock(assert_all_called=False) as router:
        api = Api(router, output=png_bytes((1344, 768), "green"))
        await images.draw(req, tmp_path / "beat.png")
    assert not {"image", "prompt_strength"} & set(api.body()["input"])
    # an unused photo re-draws nothing
    plain = req.model_copy(update={"reference": None, "reference_sha256": None})
    assert images.describe(req).key == images.describe(plain).key


@pytest.mark.asyncio
async def test_musicgen_uses_the_pinned_version_and_cuts_to_the_exact_length(
    tmp_path: Path,
) -> None:
    media = Media(imageio_ffmpeg.get_ffmpeg_exe())
    music = ReplicateMusic(CATALOG.models["musicgen"], client, media)
    brief = MusicBrief(
        mood="energetic", tempo_bpm=128, key="A minor", instruments=["drums", "bass"]
    )
    req = MusicRequest(brief=brief, duration_s=7.5, seed=11)
    dst = tmp_path / "music.mp3"
    with respx.mock(assert_all_called=False) as router:
        api = Api(router, output=wav_bytes(8.0))
        await music.compose(req, dst)
    request = api.creates[0]
    assert request.url.path == "/v1/predictions"
    body = api.body()
    assert body["version"] == CATALOG.models["musicgen"].version
    assert body["input"]["duration"] == 8  # whole seconds, rounded up
    assert body["input"]["seed"] == 11
    assert "128 BPM" in body["input"]["prompt"] and "A minor" in body["input"]["prompt"]
    assert media.probe(dst).duration_s == pytest.approx(7.5, abs=0.06)
    assert music.describe(req).cost_usd == pytest.approx(8 * CATALOG.models["musicgen"].price_usd)


def test_describe_prices_video_by_the_second_and_keys_on_the_frames(
    frames: tuple[Path, Path],
) -> None:
    video = ReplicateVideo(CATALOG.models["hailuo-02"], client)
    with_end = video.describe(clip_request(frames, 10.0, end=True))
    without = video.describe(clip_request(frames, 10.0, end=False))
    assert with_end.provider == "replicate" and with_end.model == "hailuo-02"
    assert with_end.units == 10.0 and with_end.unit == "second"
    assert with_end.cost_usd == pytest.approx(0.45)
    assert with_end.inputs == ("a" * 64, "b" * 64) and without.inputs == ("a" * 64,)
    assert with_end.key != without.key
    retake = clip_request(frames, 10.0, end=True).model_copy(update={"seed": 8})
    assert video.describe(retake).key != with_end.key  # a new take is a new clip


def test_veo_refuses_square_video(frames: tuple[Path, Path]) -> None:
    veo = ReplicateVideo(CATALOG.models["veo-3.1"], client)
    with pytest.raises(UserError, match=r"makes 16:9 and 9:16 videos only, not 1:1"):
        veo.describe(clip_request(frames, 8.0, end=False, size_px=(1080, 1080)))


def test_a_clip_length_off_the_models_grid_is_refused(frames: tuple[Path, Path]) -> None:
    kling = ReplicateVideo(CATALOG.models["kling-v2.1"], client)
    with pytest.raises(UserError, match=r"makes clips of 5, 10 s, not 6 s"):
        kling.describe(clip_request(frames, 6.0, end=False))
    with pytest.raises(UserError, match="takes no end frame"):
        kling.describe(clip_request(frames, 5.0, end=True))


# --------------------------------------------------------------------------- lifecycle


@pytest.mark.asyncio
async def test_failed_prediction_names_model_id_and_the_apis_error(
    frames: tuple[Path, Path], tmp_path: Path
) -> None:
    video = ReplicateVideo(CATALOG.models["hailuo-02"], client)
    with respx.mock(assert_all_called=False) as router:
        api = Api(router)
        api.states = ["processing", "failed"]
        with pytest.raises(ProviderError) as info:
            await video.animate(clip_request(frames, 6.0, end=True), tmp_path / "o.mp4")
    message = str(info.value)
    assert "hailuo-02" in message and PID in message and "content filter (E005)" in message
    assert not (tmp_path / "o.mp4").exists()
    assert not api.download.called


@pytest.mark.asyncio
async def test_invalid_input_is_reported_with_the_apis_words(
    frames: tuple[Path, Path], tmp_path: Path
) -> None:
    video = ReplicateVideo(CATALOG.models["hailuo-02"], client)
    with respx.mock(assert_all_called=False) as router:
        route = router.post(f"{BASE}/models/minimax/hailuo-02/predictions").mock(
            return_value=httpx.Response(422, json=fixture("invalid_input"))
        )
        with pytest.raises(ProviderError, match=r"HTTP 422.*duration must be one of"):
            await video.animate(clip_request(frames, 6.0, end=False), tmp_path / "o.mp4")
    assert route.call_count == 1  # a refused create is not retried


@pytest.mark.asyncio
async def test_deadline_cancels_the_prediction(frames: tuple[Path, Path], tmp_path: Path) -> None:
    video = ReplicateVideo(CATALOG.models["veo-3.1-fast"], client, deadline_s=0.2)
    with respx.mock(assert_all_called=False) as router:
        api = Api(router)
        api.states = ["processing"]
        started = time.monotonic()
        with pytest.raises(ProviderTimeout, match=rf"{PID} did not finish within 0 s"):
            await video.animate(clip_request(frames, 4.0, end=False), tmp_path / "o.mp4")
        assert time.monotonic() - started < 5
    assert api.cancel.call_count == 1


@pytest.mark.asyncio
async def test_cancelling_the_task_cancels_the_prediction(
    frames: tuple[Path, Path], tmp_path: Path
) -> None:
    video = ReplicateVideo(CATALOG.models["kling-v2.1-pro"], client)
    with respx.mock(assert_all_called=False) as router:
        api = Api(router)
        api.states = ["processing"]
        task = asyncio.create_task(
            video.animate(clip_request(frames, 5.0, end=True), tmp_path / "o.mp4")
        )
        while api.polls < 2:
            await asyncio.sleep(0.01)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
    assert api.cancel.call_count == 1


@pytest.mark.asyncio
async def test_429_waits_for_retry_after_then_succeeds(
    frames: tuple[Path, Path], tmp_path: Path
) -> None:
    video = ReplicateVideo(CATALOG.models["wan-2.2-i2v-fast"], client)
    with respx.mock(assert_all_called=False) as router:
        route = router.post(f"{BASE}/models/wan-video/wan-2.2-i2v-fast/predictions").mock(
            side_effect=[
                httpx.Response(429, headers={"Retry-After": "1"}, json=fixture("throttled")),
                httpx.Response(201, json=fixture("created")),
            ]
        )
        api = Api(router)  # its routes come second: the one above answers first
        started = time.monotonic()
        await video.animate(clip_request(frames, 5.0, end=False), tmp_path / "o.mp4")
        elapsed_s = time.monotonic() - started
    assert route.call_count == 2
    assert elapsed_s >= 0.95  # honoured Retry-After: 1 (the backoff alone is ~10 ms)
    assert (tmp_path / "o.mp4").exists() and api.download.called


@pytest.mark.asyncio
async def test_5xx_on_polling_is_retried(frames: tuple[Path, Path], tmp_path: Path) -> None:
    video = ReplicateVideo(CATALOG.models["hailuo-02"], client)
    with respx.mock(assert_all_called=False) as router:
        api = Api(router)
        # the same route as Api's poll route: this replaces its answers
        polls = router.get(f"{BASE}/predictions/{PID}").mock(
            side_effect=[
                httpx.Response(502, text="bad gateway"),
                httpx.Response(503, text="unavailable"),
                httpx.Response(200, json=fixture("succeeded")),
            ]
        )
        await video.animate(clip_request(frames, 6.0, end=False), tmp_path / "o.mp4")
    assert polls.call_count == 3 and api.polls == 0
    assert (tmp_path / "o.mp4").read_bytes() == api.download.calls.last.response.content


@pytest.mark.asyncio
async def test_persistent_5xx_gives_up_with_a_clear_error(
    frames: tuple[Path, Path], tmp_path: Path
) -> None:
    video = ReplicateVideo(CATALOG.models["hailuo-02"], client)
    with respx.mock(assert_all_called=False) as router:
        route = router.post(f"{BASE}/models/minimax/hailuo-02/predictions").mock(
            return_value=httpx.Response(500, json={"detail": "internal error"})
        )
        with pytest.raises(ProviderError, match=r"HTTP 500 after 6 attempts: internal error"):
            await video.animate(clip_request(frames, 6.0, end=False), tmp_path / "o.mp4")
    assert route.call_count == 6


@pytest.mark.asyncio
async def test_expired_output_is_a_provider_error(
    frames: tuple[Path, Path], tmp_path: Path
) -> None:
    video = ReplicateVideo(CATALOG.models["hailuo-02"], client)
    with respx.mock(assert_all_called=False) as router:
        api = Api(router)
        api.download.mock(return_value=httpx.Response(404))
        with pytest.raises(ProviderError, match="outputs expire an hour after"):
            await video.animate(clip_request(frames, 6.0, end=False), tmp_path / "o.mp4")


@pytest.mark.asyncio
async def test_large_frames_are_uploaded_not_inlined(tmp_path: Path) -> None:
    big = tmp_path / "big.png"
    big.write_bytes(os.urandom(1_200_000))
    file_url = f"{BASE}/files/abc123"
    async with client() as api:
        with respx.mock() as router:
            upload = router.post(f"{BASE}/files").mock(
                return_value=httpx.Response(201, json={"id": "abc123", "urls": {"get": file_url}})
            )
            assert await api.file_input(big) == file_url
    assert b'name="content"; filename="big.png"' in upload.calls.last.request.content


def test_client_repr_never_shows_the_token() -> None:
    assert "r8_secret" not in repr(client())


# --------------------------------------------------------------------------- live


@pytest.mark.asyncio
@pytest.mark.live
async def test_live_flux_schnell_draws_one_image(tmp_path: Path) -> None:
    token = os.environ.get("REPLICATE_API_TOKEN")
    if not token:
        pytest.skip("REPLICATE_API_TOKEN not set")
    images = ReplicateImages(
        CATALOG.models["flux-schnell"],
        lambda: ReplicateClient(SecretStr(token), "https://api.replicate.com/v1"),
    )
    dst = tmp_path / "beat.png"
    await images.draw(image_request((1280, 720)), dst)
    with Image.open(dst) as image:
        assert image.size == (1280, 720)
