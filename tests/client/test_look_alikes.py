"""Real-world shapes of client code (our own look-alikes of public files, see
fixtures/look_alikes/README.md): nothing crashes, every output compiles, a second run changes
nothing, nearly every call site is rewritten, and each site left on Replicate has a TODO at its
line. The figures are pinned so that a regression in coverage fails."""

from __future__ import annotations

import re
from pathlib import Path

from cog2fal.client.codemod import rewrite_text
from cog2fal.client.references import ModelMap, Target

LOOK_ALIKES = Path(__file__).parent / "fixtures" / "look_alikes"
# A version id names no model: only the map can say which app it is.
MODELS = ModelMap({"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef": Target("team/sdxl")},
                  fal_owner="team")
_REPLICATE_CALL = re.compile(r"\breplicate(_client)?\.(run|stream|async_run|async_stream|predictions|models|"
                             r"deployments|trainings|webhooks|Client)\b|\bclient\.models\b")


def test_look_alikes_are_converted_or_flagged_at_their_line() -> None:
    rewritten = flagged = changed = 0
    for path in sorted(LOOK_ALIKES.glob("*.py")):
        source = path.read_text()
        result = rewrite_text(source, path.name, MODELS)
        text = result.text if result.text is not None else source
        compile(text, path.name, "exec", dont_inherit=True)
        assert rewrite_text(text, path.name, MODELS).text is None, f"{path.name}: a second run changed it"
        lines = text.splitlines()
        for number, line in enumerate(lines):
            if _REPLICATE_CALL.search(line) and "fal_replicate_compat" not in line:
                above = lines[max(0, number - 3):number]
                assert any("# TODO(cog2fal):" in previous for previous in above), \
                    f"{path.name}:{number + 1}: {line}"
        for site in result.sites:
            if site.status == "flagged":
                assert "# TODO(cog2fal): " + site.detail in text
        rewritten += sum(site.status == "rewritten" and site.rule != "C2F309" for site in result.sites)
        flagged += sum(site.status == "flagged" for site in result.sites)
        changed += result.text is not None
    assert (changed, rewritten, flagged) == (12, 20, 6)


def test_unrelated_clients_and_local_modules_are_left_alone() -> None:
    local = (LOOK_ALIKES / "local_module_named_replicate.py").read_text()
    assert rewrite_text(local, "x.py", MODELS).text is None
    discord = rewrite_text((LOOK_ALIKES / "discord_bot.py").read_text(), "discord_bot.py", MODELS).text
    assert discord is not None
    assert 'client.run(os.environ["DISCORD_TOKEN"])' in discord
    assert "fal_client.subscribe(\"team/sdxl\"" in discord
