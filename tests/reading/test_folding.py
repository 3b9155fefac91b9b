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
