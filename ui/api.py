"""The seed system's HTTP API over reelgraph (``../SEED-API.md`` shapes), as an ASGI app.

Run it with ``reelgraph serve``, or mount it in the LangGraph server (``"http": {"app":
"./ui/api.py:app"}`` in ``langgraph.json``): every route is under ``/api/``, the OpenAPI
document is ``/api/openapi.json`` and the docs page ``/api/docs``. The studio opens on the
first request, so mounting needs no start-up hook.

Every route takes ``Authorization: Bearer <token>`` with a token from
``REELGRAPH_API_TOKENS="token1:alice,token2:bob"``; another user's video is a 404. Errors are
``{"detail": "message"}``: 401 no or unknown token, 404 unknown video, checkpoint, beat or
chunk, 409 an edit or continue at the wrong checkpoint or a running branch, 402 over budget,
400/413/422 bad input. Runs happen in background jobs that outlive the request.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request, status
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

from agent.errors import (
    BranchBusy,
    BudgetExceeded,
    NotFound,
    ProviderError,
    ReelgraphError,
    StorageError,
    UserError,
    WrongPhase,
)
from agent.text import without_bad_text
from ui import api_assets, api_edits, api_files, api_runs
from ui.api_core import close_studio


@asynccontextmanager
async def _lifespan(_: FastAPI) -> AsyncIterator[None]:
    yield
    await close_studio()


app = FastAPI(
    title="reelgraph HTTP API",
    summary="The seed system's video-generation API, served by reelgraph.",
    version="1.0.0",
    openapi_url="/api/openapi.json",
    docs_url="/api/docs",
    redoc_url=None,
    lifespan=_lifespan,
)
for module in (api_runs, api_edits, api_assets, api_files):
    app.include_router(module.router)

#: HTTP status of each error reelgraph raises on purpose (most specific first).
ERROR_STATUS: list[tuple[type[ReelgraphError], int]] = [
    (NotFound, status.HTTP_404_NOT_FOUND),
    (WrongPhase, status.HTTP_409_CONFLICT),
    (BranchBusy, status.HTTP_409_CONFLICT),
    (BudgetExceeded, status.HTTP_402_PAYMENT_REQUIRED),
    (UserError, status.HTTP_422_UNPROCESSABLE_CONTENT),
    (ProviderError, status.HTTP_502_BAD_GATEWAY),
    (StorageError, status.HTTP_503_SERVICE_UNAVAILABLE),
    (ReelgraphError, status.HTTP_500_INTERNAL_SERVER_ERROR),
]


@app.exception_handler(ReelgraphError)
async def _reelgraph_error(_: Request, exc: Exception) -> JSONResponse:
    code = next(c for kind, c in ERROR_STATUS if isinstance(exc, kind))
    return JSONResponse({"detail": str(exc).splitlines()[0]}, status_code=code)


@app.exception_handler(RequestValidationError)
async def _invalid_request(_: Request, exc: Exception) -> JSONResponse:
    """422 with FastAPI's list of errors, without echoing the input back.

    The default body repeats each offending value (``input``), so a lone surrogate in the
    request made the error response itself unencodable (a 500). Locations and messages are
    kept, cleaned of control characters and surrogates.
    """
    errors = exc.errors() if isinstance(exc, RequestValidationError) else []
    detail = [
        {
            "type": e.get("type", "value_error"),
            "loc": [p if isinstance(p, int) else without_bad_text(str(p)) for p in e["loc"]],
            "msg": without_bad_text(str(e["msg"])).removeprefix("Value error, "),
        }
        for e in errors
    ]
    return JSONResponse({"detail": detail}, status_code=status.HTTP_422_UNPROCESSABLE_CONTENT)
