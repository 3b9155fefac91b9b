"""LRC lyrics handling for DiffRhythm.

DiffRhythm reads lyrics as LRC lines of the exact form ``[mm:ss.xx]text``. Users
paste all kinds of variants: ``[m:ss]``, ``[mm:ss.xxx]``, metadata tags such as
``[ti:Title]``, several timestamps on one line, or plain lines with no timestamps.
This module parses them and writes the canonical form back.
"""

import re
from typing import List, Tuple

TIMESTAMP = re.compile(r"\[(\d{1,2}):(\d{1,2}(?:[.:]\d{1,3})?)\]")
METADATA = re.compile(r"^\[(ti|ar|al|by|offset|length|re|ve|au):.*\]$", re.IGNORECASE)

# spacing used when the user gives lyrics without any timestamps
DEFAULT_FIRST_LINE_AT = 10.0
DEFAULT_SECONDS_PER_LINE = 4.0


class LyricsError(ValueError):
    pass


def _seconds(minutes: str, seconds: str) -> float:
    return int(minutes) * 60 + float(seconds.replace(":", "."))


def parse_lrc(text: str) -> List[Tuple[float, str]]:
    """Return (start seconds, lyric) pairs sorted by time.

    A line with several timestamps (a repeated chorus) yields one pair per stamp.
    Lines without timestamps are spread evenly if *no* line has one, otherwise
    they are an error.
    """
    timed: List[Tuple[float, str]] = []
    untimed: List[str] = []
    for raw in text.replace("\r\n", "\n").split("\n"):
        line = raw.strip()
        if not line or METADATA.match(line):
            continue
        stamps = TIMESTAMP.findall(line)
        lyric = TIMESTAMP.sub("", line).strip()
        if stamps:
            timed.extend((_seconds(m, s), lyric) for m, s in stamps)
        else:
            untimed.append(lyric)

    if timed and untimed:
        raise LyricsError(
            f"{len(untimed)} lyric line(s) have no [mm:ss.xx] timestamp, e.g. {untimed[0]!r}"
        )
    if untimed:
        timed = [
            (DEFAULT_FIRST_LINE_AT + i * DEFAULT_SECONDS_PER_LINE, lyric)
            for i, lyric in enumerate(untimed)
        ]
    return sorted(timed, key=lambda item: item[0])


def format_timestamp(seconds: float) -> str:
    minutes, secs = divmod(seconds, 60)
    return f"[{int(minutes):02d}:{secs:05.2f}]"


def normalize_lyrics(text: str, max_seconds: float) -> str:
    """Canonical LRC for DiffRhythm; drops lines that start after the song ends."""
    lines = parse_lrc(text)
    kept = [(t, lyric) for t, lyric in lines if t < max_seconds]
    dropped = len(lines) - len(kept)
    if dropped:
        print(f"dropping {dropped} lyric line(s) that start after {max_seconds:.0f}s")
    return "\n".join(f"{format_timestamp(t)}{lyric}" for t, lyric in kept)
