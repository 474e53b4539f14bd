"""What a brief says about a new video's options: its length and aspect ratio, in words.

Every door (the command line, the HTTP API, the chat, the LangGraph server's admission)
resolves them the same way: an option the user named wins; else what the brief says ("a
15-second vertical ad", "15 Sekunden, hochkant", "15秒の縦型", "for TikTok"); else the default.
"""

from __future__ import annotations

from typing import NamedTuple

from agent.providers.local.brief import requested_aspect, requested_duration_s

#: Length of a video whose brief and options name none, seconds (DESIGN.md §1).
DEFAULT_DURATION_S = 30.0
#: Aspect ratio of a video whose brief and options name none (DESIGN.md §1).
DEFAULT_ASPECT = "16:9"


class BriefOptions(NamedTuple):
    """A video's length and aspect ratio as resolved from options and brief.

    Attributes:
        duration_s: seconds, as named or written (the caller's validation checks 6-60 s).
        aspect: "16:9", "9:16" or "1:1" from the brief; a named option as given.
    """

    duration_s: float
    aspect: str


def options_from_brief(
    prompt: str,
    duration_s: float | None = None,
    aspect: str | None = None,
    *,
    fallback_duration_s: float | None = None,
    fallback_aspect: str | None = None,
) -> BriefOptions:
    """Resolve a new video's length and aspect ratio: named options first, then the brief.

    Args:
        prompt: the user's brief (untrusted; only read).
        duration_s: the length the user named as an option, seconds; None if none.
        aspect: the aspect ratio the user named as an option; None if none.
        fallback_duration_s: a length to use when neither the option nor the brief names
            one (the chat's settings panel, which always holds a value), seconds.
        fallback_aspect: the same for the aspect ratio.

    Returns:
        The length and aspect ratio, defaulting to :data:`DEFAULT_DURATION_S` and
        :data:`DEFAULT_ASPECT` when nothing names one.
    """
    said = prompt.strip()
    if duration_s is None:
        duration_s = (requested_duration_s(said) if said else None) or fallback_duration_s
    if aspect is None:
        aspect = (requested_aspect(said) if said else None) or fallback_aspect
    return BriefOptions(
        DEFAULT_DURATION_S if duration_s is None else duration_s, aspect or DEFAULT_ASPECT
    )
