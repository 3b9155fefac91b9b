"""Static folding of `choices=` and defaults: the subset authors use, and nothing that runs code."""

from __future__ import annotations

import pytest

from cog2fal.reading.folding import Folder, NotFoldable

CONSTANTS = {
    "SIZES": '["512x512", "768x768"]',
    "SCHEDULERS": '{"ddim": DDIMScheduler, "euler": EulerScheduler}',
    "CODES": '{"en", "fr", "de"}',
    "VOICES": '{"a": ["af_1", "af_2"], "b": ["bf_1"]}',
    "DEFAULT": "SIZES[0]",
    "LOOP": "LOOP + 1",
}


@pytest.mark.parametrize(("source", "value"), [
    ('SIZES + ["custom"]', ["512x512", "768x768", "custom"]),
    ("list(SCHEDULERS.keys())", ["ddim", "euler"]),
    ("[2 ** i for i in range(4)]", [1, 2, 4, 8]),
    ("range(2, 6)", range(2, 6)),
    ("sorted(CODES)", ["de", "en", "fr"]),
    ("DEFAULT", "512x512"),
    ("[v for vs in VOICES.values() for v in vs]", ["af_1", "af_2", "bf_1"]),
    ('[f"{w}x{w}" for w in (256, 512)]', ["256x256", "512x512"]),
    ("-1.5", -1.5),
    ("None", None),
])
def test_folds(source: str, value: object) -> None:
    assert Folder(CONSTANTS).fold_source(source) == value


@pytest.mark.parametrize("source", [
    "open('x').read()", "__import__('os').system('true')", "LANGUAGES", "LOOP",
    "SCHEDULERS['ddim']", "9 ** 9999", "'x' * 10**9", "range(10**9)", "lambda: 1",
    "sorted(CODES, key=len)", "os.environ['X']",
])
def test_refuses_what_needs_the_program(source: str) -> None:
    with pytest.raises(NotFoldable):
        Folder(CONSTANTS).fold_source(source)


def test_local_enums_fold_to_their_values() -> None:
    folder = Folder({}, {"Mode": [("FAST", '"fast"'), ("SLOW", '"slow"')]})
    assert folder.fold_source("[m.value for m in Mode]") == ["fast", "slow"]
    assert folder.fold_source("list(Mode)") == ["fast", "slow"]
    assert folder.fold_source("Mode.FAST.value") == "fast"
    assert folder.fold_source("[m.name for m in Mode]") == ["FAST", "SLOW"]


# Shared parts make a value of 10**12 elements from a few lines: comparing, hashing or printing
# it would run for hours. Each level is a literal list of ten, so no repetition check sees it.
_HUGE = {"A": "[0] * 999", "B": "[A] * 999", **{
    level: "[" + ", ".join([previous] * 10) + "]"
    for previous, level in zip("BCDEF", "CDEFG", strict=True)}}
_TWIN = {f"{name}2": source.replace("A", "A2").replace("B", "B2") if name in "AB" else
         "[" + ", ".join([f"{chr(ord(name) - 1)}2"] * 10) + "]" for name, source in _HUGE.items()}
_TUPLES = {"T": "(0,) * 999", "U": "(T,) * 999", "V": "(U, U, U, U, U, U, U, U, U, U)",
           "W": "(V, V, V, V, V, V, V, V, V, V)", "X": "(W, W, W, W, W, W, W, W, W, W)"}


@pytest.mark.parametrize("source", [
    "G == G2", "G != G2", "G < G2", "G in [G2]", "[G2].index(G)", "[G2].count(G)", "sorted([G, G2])",
    "{X}", "{X: 1}", "{X for _ in range(2)}", "{1: X}[X]", "set([X])", "str(G)", 'f"{G}"', "f'{G!r}'",
    "len(str(G))", '"{}".format(G)', '"%s" % (G,)', "max(G, G2)", "hash(X)",
])
def test_hostile_constants_never_hang(source: str) -> None:
    """The size budget applies before `==`, hashing and `str()`: each is refused in well under 5 s."""
    import signal

    class TooSlow(BaseException):  # not an Exception: the folder turns those into NotFoldable
        pass

    def too_slow(signum: int, frame: object) -> None:
        raise TooSlow(source)

    previous = signal.signal(signal.SIGALRM, too_slow)
    signal.alarm(5)
    try:
        with pytest.raises(NotFoldable):
            Folder({**_HUGE, **_TWIN, **_TUPLES}).fold_source(source)
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
