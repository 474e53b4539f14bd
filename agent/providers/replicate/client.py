"""Replicate's HTTP API on httpx, with retries (tenacity), deadlines and cancellation.

What reelgraph needs of the API (https://replicate.com/docs/reference/http):

- create a prediction: ``POST /models/{owner}/{name}/predictions`` (official models) or
  ``POST /predictions`` with a ``version`` (community models), body ``{"input": {...}}``;
- poll it: ``GET /predictions/{id}`` until ``succeeded``, ``failed`` or ``canceled``;
- cancel it: ``POST /predictions/{id}/cancel``;
- upload an input file larger than a data URI should carry: ``POST /files`` (multipart field
  ``content``), whose answer's ``urls.get`` is passed as the input;
- download an output at once: Replicate deletes outputs an hour after the prediction.

Requests that fail with 429 or 5xx (or cannot connect) are retried with exponential backoff
and jitter, or after the server's ``Retry-After``; the ``replicate`` package has no overall
deadline, so :meth:`ReplicateClient.wait` enforces one and cancels the prediction when it
passes, and also when the waiting task is cancelled. The token is a ``SecretStr`` that goes
only into the ``Authorization`` header; no message built here contains it.
"""

from __future__ import annotations

import asyncio
import base64
import logging
import mimetypes
import random
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

import httpx
from pydantic import BaseModel, ConfigDict, SecretStr
from tenacity import (
    AsyncRetrying,
    RetryCallState,
    retry_if_exception,
    stop_after_attempt,
)

from agent.errors import ProviderError, ProviderTimeout

log = logging.getLogger(__name__)

#: Largest file sent inline as a data URI; larger ones are uploaded. Replicate recommends data
#: URIs only for files under 1 MB (docs: "Input files").
DATA_URI_MAX_BYTES = 1_000_000
#: Deadline of one HTTP request, seconds (not of a prediction).
REQUEST_TIMEOUT_S = 60.0
#: Attempts of one HTTP request that fails with 429, 5xx or a connection error.
MAX_ATTEMPTS = 6
#: Longest wait between attempts, seconds, whatever Retry-After says.
MAX_RETRY_WAIT_S = 60.0

Status = Literal["starting", "processing", "succeeded", "failed", "canceled", "aborted"]
TERMINAL: frozenset[str] = frozenset({"succeeded", "failed", "canceled", "aborted"})


class Prediction(BaseModel):
    """A prediction as the API returns it (the fields reelgraph reads).

    Attributes:
        id: the prediction id.
        status: ``starting``, ``processing``, ``succeeded``, ``failed``, ``canceled``.
        output: the model's output: a URL, a list of URLs, or other JSON.
        error: the error text of a failed prediction.
    """

    model_config = ConfigDict(extra="ignore", frozen=True)

    id: str
    status: Status
    output: Any = None
    error: str | None = None

    def output_url(self) -> str:
        """The first output URL.

        Raises:
            ProviderError: the output holds no URL.
        """
        out = self.output
        if isinstance(out, list) and out:
            out = out[0]
        if isinstance(out, str) and out.startswith(("http://", "https://", "data:")):
            return out
        raise ProviderError(f"prediction {self.id} succeeded without an output file: {out!r}")


class _Retryable(Exception):
    """A response worth another attempt (429, 5xx), with the server's Retry-After, if any."""

    def __init__(self, response: httpx.Response) -> None:
        self.response = response
        self.retry_after_s = _retry_after_s(response)
        super().__init__(f"HTTP {response.status_code}")


def _retry_after_s(response: httpx.Response) -> float | None:
    value = response.headers.get("retry-after")
    if value is None:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        return None  # an HTTP date: fall back to backoff


def _is_retryable(exc: BaseException, *, idempotent: bool) -> bool:
    if isinstance(exc, _Retryable):
        return True
    if idempotent:
        return isinstance(exc, httpx.TransportError)
    # A create that may have reached the server must not be sent twice (it would be paid
    # twice); only failures to connect are safe to repeat.
    return isinstance(exc, httpx.ConnectError | httpx.ConnectTimeout)


def _wait(state: RetryCallState, base_s: float) -> float:
    """Retry-After when the server sent one, else exponential backoff with full jitter."""
    exc = state.outcome.exception() if state.outcome else None
    if isinstance(exc, _Retryable) and exc.retry_after_s is not None:
        return min(exc.retry_after_s, MAX_RETRY_WAIT_S)
    ceiling = min(base_s * 2 ** (state.attempt_number - 1), MAX_RETRY_WAIT_S)
    return random.uniform(ceiling / 2, ceiling)


def _api_error(response: httpx.Response) -> str:
    """The API's own words for a failed request (``detail``/``title``), trimmed."""
    try:
        body = response.json()
    except ValueError:
        return response.text[:300] or response.reason_phrase
    if isinstance(body, dict):
        return str(body.get("detail") or body.get("title") or body)[:300]
    return str(body)[:300]


class ReplicateClient:
    """An async client for the few endpoints reelgraph uses; use it with ``async with``.

    Args:
        token: the API token (``REPLICATE_API_TOKEN``).
        base_url: the API root, e.g. ``https://api.replicate.com/v1``.
        poll_interval_s: first pause between polls; it grows 1.5x up to ``max_poll_interval_s``.
        max_poll_interval_s: longest pause between polls, seconds.
        retry_base_s: first backoff between attempts of a failed request, seconds.
        transport: an httpx transport (tests use respx's mock instead).
    """

    def __init__(
        self,
        token: SecretStr,
        base_url: str,
        *,
        poll_interval_s: float = 2.0,
        max_poll_interval_s: float = 10.0,
        retry_base_s: float = 1.0,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        """Build the client; no request is made yet."""
        self._base_url = base_url.rstrip("/")
        self._api_host = httpx.URL(self._base_url).host
        self._auth = {"Authorization": f"Bearer {token.get_secret_value()}"}
        self.poll_interval_s = poll_interval_s
        self.max_poll_interval_s = max_poll_interval_s
        self.retry_base_s = retry_base_s
        self._transport = transport
        self._client: httpx.AsyncClient | None = None

    def __repr__(self) -> str:
        """No token in the representation."""
        return f"ReplicateClient({self._base_url!r})"

    async def __aenter__(self) -> ReplicateClient:
        """Open a connection pool (one per use, so no pool outlives its event loop)."""
        self._client = httpx.AsyncClient(
            timeout=httpx.Timeout(REQUEST_TIMEOUT_S),
            transport=self._transport,
            follow_redirects=True,
        )
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        """Close the connection pool."""
        if self._client is not None:
            await self._client.aclose()
            self._client = None

    @property
    def _http(self) -> httpx.AsyncClient:
        if self._client is None:
            raise RuntimeError("use the ReplicateClient inside 'async with'")
        return self._client

    # ------------------------------------------------------------------ requests

    async def _request(
        self,
        method: str,
        url: str,
        *,
        what: str,
        idempotent: bool = True,
        **kwargs: Any,
    ) -> httpx.Response:
        """Send one request with retries; return a 2xx response.

        Raises:
            ProviderError: a 4xx other than 429, or retries exhausted (with the API's message).
        """
        headers = self._auth if httpx.URL(url).host == self._api_host else {}
        retrying = AsyncRetrying(
            retry=retry_if_exception(lambda e: _is_retryable(e, idempotent=idempotent)),
            stop=stop_after_attempt(MAX_ATTEMPTS),
            wait=lambda state: _wait(state, self.retry_base_s),
            reraise=True,
        )
        try:
            async for attempt in retrying:
                with attempt:
                    response = await self._http.request(method, url, headers=headers, **kwargs)
                    if response.status_code == 429 or response.status_code >= 500:
                        await response.aread()
                        raise _Retryable(response)
        except _Retryable as exc:
            raise ProviderError(
                f"Replicate: {what} failed with HTTP {exc.response.status_code} after"
                f" {MAX_ATTEMPTS} attempts: {_api_error(exc.response)}"
            ) from exc
        except httpx.HTTPError as exc:
            raise ProviderError(f"Replicate: {what} failed: {type(exc).__name__}: {exc}") from exc
        if response.is_error:
            await response.aread()
            hint = " (check REPLICATE_API_TOKEN)" if response.status_code in (401, 403) else ""
            raise ProviderError(
                f"Replicate: {what} was refused with HTTP {response.status_code}{hint}:"
                f" {_api_error(response)}"
            )
        return response

    async def create(self, slug: str, version: str, inputs: Mapping[str, Any]) -> Prediction:
        """Create a prediction.

        Args:
            slug: ``owner/name``.
            version: a version id, or ``""`` to run the official model's current version.
            inputs: the model's input, as its schema names the fields.

        Raises:
            ProviderError: the API refused it (bad input, unknown model, bad token, …).
        """
        if version:
            url, body = f"{self._base_url}/predictions", {"version": version, "input": inputs}
        else:
            url, body = f"{self._base_url}/models/{slug}/predictions", {"input": inputs}
        response = await self._request(
            "POST", url, json=body, what=f"creating a {slug} prediction", idempotent=False
        )
        return Prediction.model_validate(response.json())

    async def get(self, prediction_id: str) -> Prediction:
        """Read a prediction's current state. Raises ProviderError on failure."""
        response = await self._request(
            "GET",
            f"{self._base_url}/predictions/{prediction_id}",
            what=f"reading prediction {prediction_id}",
        )
        return Prediction.model_validate(response.json())

    async def cancel(self, prediction_id: str) -> None:
        """Cancel a prediction (no effect on one that already finished).

        Raises:
            ProviderError: the API refused.
        """
        await self._request(
            "POST",
            f"{self._base_url}/predictions/{prediction_id}/cancel",
            what=f"cancelling prediction {prediction_id}",
        )

    async def wait(self, prediction_id: str, deadline_s: float) -> Prediction:
        """Poll a prediction until it finishes, for at most ``deadline_s`` seconds.

        The prediction is cancelled (``POST /predictions/{id}/cancel``) when the deadline
        passes and when the waiting task is cancelled, so nothing keeps running (and billing)
        unseen.

        Returns:
            The finished prediction; its status may be ``failed`` or ``canceled``.

        Raises:
            ProviderTimeout: the deadline passed (the prediction was cancelled).
            ProviderError: polling failed.
            asyncio.CancelledError: the task was cancelled (the prediction was cancelled).
        """
        interval = self.poll_interval_s
        try:
            async with asyncio.timeout(deadline_s):
                while True:
                    prediction = await self.get(prediction_id)
                    if prediction.status in TERMINAL:
                        return prediction
                    await asyncio.sleep(interval)
                    interval = min(interval * 1.5, self.max_poll_interval_s)
        except TimeoutError:
            await self._cancel_quietly(prediction_id)
            raise ProviderTimeout(
                f"Replicate prediction {prediction_id} did not finish within {deadline_s:.0f} s;"
                " it was cancelled"
            ) from None
        except asyncio.CancelledError:
            await asyncio.shield(self._cancel_quietly(prediction_id))
            raise

    async def _cancel_quietly(self, prediction_id: str) -> None:
        try:
            await self.cancel(prediction_id)
        except ProviderError as exc:  # the original failure matters more; keep it visible
            log.warning("could not cancel Replicate prediction %s: %s", prediction_id, exc)

    # ------------------------------------------------------------------ files

    async def file_input(self, path: Path, mime: str | None = None) -> str:
        """An input value for a local file: a data URI up to 1 MB, else an uploaded file's URL.

        Args:
            path: the file (store blobs have no extension).
            mime: its media type; None to guess from the name.

        Raises:
            ProviderError: the upload failed.
        """
        data = path.read_bytes()
        mime = mime or mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        if len(data) <= DATA_URI_MAX_BYTES:
            return f"data:{mime};base64,{base64.b64encode(data).decode()}"
        response = await self._request(
            "POST",
            f"{self._base_url}/files",
            files={"content": (path.name, data, mime)},
            what=f"uploading {path.name}",
        )
        url = response.json().get("urls", {}).get("get")
        if not isinstance(url, str):
            raise ProviderError(f"Replicate: uploading {path.name} returned no file URL")
        return url

    async def download(self, url: str, dst: Path) -> None:
        """Copy an output file to ``dst`` (streamed; ``data:`` URIs decoded).

        Raises:
            ProviderError: the file is gone (outputs expire after an hour) or the copy failed.
        """
        if url.startswith("data:"):
            dst.write_bytes(base64.b64decode(url.partition(",")[2]))
            return
        headers = self._auth if httpx.URL(url).host == self._api_host else {}
        try:
            async with self._http.stream("GET", url, headers=headers) as response:
                if response.is_error:
                    raise ProviderError(
                        f"Replicate: downloading the output failed with HTTP"
                        f" {response.status_code} (outputs expire an hour after the prediction)"
                    )
                with dst.open("wb") as f:
                    async for chunk in response.aiter_bytes():
                        f.write(chunk)
        except httpx.HTTPError as exc:
            raise ProviderError(f"Replicate: downloading the output failed: {exc}") from exc
