"""One settings object, read from the environment at the edge (CLI, chat, server entry).

Nothing below the edge reads the environment: the settings travel inside :class:`agent.deps.Deps`.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

import platformdirs
from pydantic import AliasChoices, Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

#: Parallel tasks for remote models: enough for every beat of a 60-second ad at once (the
#: schedule benchmark, benchmarks/schedule.py: 8 would leave a 9-beat ad a second wave).
REMOTE_CONCURRENCY = 16


def _default_home() -> Path:
    return platformdirs.user_data_path("reelgraph", appauthor=False)


class Settings(BaseSettings):
    """reelgraph's configuration.

    Attributes:
        home: data directory (``REELGRAPH_HOME``); holds the embedded database and the local
            artifact store. Default: the user's data directory, e.g. ``~/.local/share/reelgraph``.
        database_url: PostgreSQL URL (``DATABASE_URL``); unset → an embedded server in
            ``home/pg``.
        ffmpeg_binary: FFmpeg to use (``FFMPEG_BINARY``); unset → the one in imageio-ffmpeg.
        user_id: owner of videos made from the command line (``REELGRAPH_USER``).
        artifact_store: where media goes (``ARTIFACT_STORE``): ``local`` (``home/artifacts``)
            or ``s3`` (the ``s3_*`` settings and the standard AWS credential variables).
        s3_bucket: bucket for ``ARTIFACT_STORE=s3`` (``S3_BUCKET``).
        s3_prefix: key prefix inside the bucket (``S3_PREFIX``), e.g. ``reelgraph/``.
        aws_region: the bucket's region (``AWS_REGION``).
        s3_endpoint_url: an S3-compatible server's URL (``S3_ENDPOINT_URL``); unset → AWS.
        presign_expiry_s: lifetime of presigned URLs handed to the UI and ``status``, seconds.
        replicate_api_token: Replicate token (``REPLICATE_API_TOKEN``); set → the
            ``replicate:*`` image, video and music models are registered. A secret.
        replicate_base_url: Replicate's HTTP API root (``REPLICATE_BASE_URL``).
        api_tokens: bearer tokens of the HTTP API and the LangGraph server
            (``REELGRAPH_API_TOKENS="token1:alice,token2:bob"``), token → user. Secrets.
        chat_worker: whether the chat process runs queued jobs itself
            (``REELGRAPH_CHAT_WORKER``; ``0`` is the chat's ``--no-worker``: its runs then wait
            for ``reelgraph worker`` processes).
        max_concurrency: parallel tasks in a fan-out (``REELGRAPH_MAX_CONCURRENCY``); unset →
            :meth:`concurrency` picks one for the models in use.
        openai_api_key: OpenAI key (``OPENAI_API_KEY``); set → the ``openai`` planner is
            registered. A secret: never logged, printed or put in graph state.
        openai_base_url: an OpenAI-compatible server's ``…/v1`` URL (``OPENAI_BASE_URL``);
            unset → OpenAI's own.
        openai_model: the chat model the ``openai`` planner uses (``OPENAI_MODEL``).
    """

    model_config = SettingsConfigDict(
        env_prefix="REELGRAPH_", extra="ignore", populate_by_name=True
    )

    home: Path = Field(default_factory=_default_home)
    database_url: str | None = Field(
        default=None, validation_alias=AliasChoices("DATABASE_URL", "REELGRAPH_DATABASE_URL")
    )
    ffmpeg_binary: str | None = Field(
        default=None, validation_alias=AliasChoices("FFMPEG_BINARY", "REELGRAPH_FFMPEG_BINARY")
    )
    user_id: str = Field(
        default="local",
        pattern=r"^[A-Za-z0-9_.@-]{1,64}$",
        validation_alias=AliasChoices("REELGRAPH_USER", "REELGRAPH_USER_ID"),
    )
    artifact_store: Literal["local", "s3"] = Field(
        default="local", validation_alias=AliasChoices("ARTIFACT_STORE", "REELGRAPH_ARTIFACT_STORE")
    )
    s3_bucket: str | None = Field(
        default=None, validation_alias=AliasChoices("S3_BUCKET", "REELGRAPH_S3_BUCKET")
    )
    s3_prefix: str = Field(
        default="", validation_alias=AliasChoices("S3_PREFIX", "REELGRAPH_S3_PREFIX")
    )
    aws_region: str | None = Field(
        default=None,
        validation_alias=AliasChoices("AWS_REGION", "AWS_DEFAULT_REGION", "REELGRAPH_AWS_REGION"),
    )
    s3_endpoint_url: str | None = Field(
        default=None, validation_alias=AliasChoices("S3_ENDPOINT_URL", "REELGRAPH_S3_ENDPOINT_URL")
    )
    presign_expiry_s: int = Field(default=3600, ge=60, le=7 * 24 * 3600)
    replicate_api_token: SecretStr | None = Field(
        default=None,
        validation_alias=AliasChoices("REPLICATE_API_TOKEN", "REELGRAPH_REPLICATE_API_TOKEN"),
    )
    replicate_base_url: str = Field(
        default="https://api.replicate.com/v1",
        validation_alias=AliasChoices("REPLICATE_BASE_URL", "REELGRAPH_REPLICATE_BASE_URL"),
    )
    api_tokens: SecretStr | None = Field(
        default=None, validation_alias=AliasChoices("REELGRAPH_API_TOKENS")
    )
    max_concurrency: int | None = Field(default=None, ge=1, le=64)
    chat_worker: bool = True
    openai_api_key: SecretStr | None = Field(
        default=None,
        validation_alias=AliasChoices("OPENAI_API_KEY", "REELGRAPH_OPENAI_API_KEY"),
    )
    openai_base_url: str | None = Field(
        default=None,
        validation_alias=AliasChoices("OPENAI_BASE_URL", "REELGRAPH_OPENAI_BASE_URL"),
    )
    openai_model: str = Field(
        default="gpt-4o-mini",
        min_length=1,
        validation_alias=AliasChoices("OPENAI_MODEL", "REELGRAPH_OPENAI_MODEL"),
    )

    def concurrency(self, remote: bool) -> int:
        """Parallel tasks in a fan-out.

        ``max_concurrency`` if set; else one per CPU for the CPU-bound offline models, and
        :data:`REMOTE_CONCURRENCY` when paid models do the work (the tasks then mostly wait
        on the network: the 9 beats of a 30-second ad in one wave).
        """
        if self.max_concurrency is not None:
            return self.max_concurrency
        return REMOTE_CONCURRENCY if remote else os.cpu_count() or 2

    def api_users(self) -> dict[str, str]:
        """``api_tokens`` parsed: bearer token → user id (entries without both parts skipped)."""
        users: dict[str, str] = {}
        raw = self.api_tokens.get_secret_value() if self.api_tokens else ""
        for entry in raw.split(","):
            token, sep, user = entry.strip().partition(":")
            if sep and token and user:
                users[token] = user
        return users

    @property
    def artifacts_dir(self) -> Path:
        """Root of the local artifact store."""
        return self.home / "artifacts"

    @property
    def pgdata_dir(self) -> Path:
        """Data directory of the embedded PostgreSQL server."""
        return self.home / "pg"

    def ffmpeg(self) -> str:
        """Path of the FFmpeg binary to run."""
        if self.ffmpeg_binary:
            return self.ffmpeg_binary
        import imageio_ffmpeg

        return str(imageio_ffmpeg.get_ffmpeg_exe())
