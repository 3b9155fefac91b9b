"""The rewritten code type-checks against the real fal_client: every function, method and
keyword argument the rules emit exists with a compatible type (mypy, --check-untyped-defs),
and so does the helper module the rewrite adds beside the code."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from cog2fal.commands.client import helper_source
from tests.client.helpers import rewrite

# Complete client programs written against Replicate's client, one per API family.
PROGRAMS = {
    "run.py": '''
        import os
        from pathlib import Path

        import replicate

        os.environ["REPLICATE_API_TOKEN"] = "r8_x"
        image = replicate.run("acme/upscaler:5c7d", input={"image": open("cat.png", "rb"), "scale": 2})
        with open("out.png", "wb") as out:
            out.write(image.read())
        print(image.url, str(image))
        urls = replicate.run("acme/upscaler", input={"image": Path("cat.png")}, use_file_output=False)
        text = "".join(replicate.run("meta/llama", input={"prompt": "hi"}, wait=True))
        other = replicate.run("acme/upscaler", input={}, api_token="r8_y")
        try:
            replicate.run("acme/upscaler", input={})
        except replicate.exceptions.ModelError as failure:
            print(failure)
    ''',
    "streaming.py": '''
        import asyncio

        import replicate

        for event in replicate.stream("meta/llama", input={"prompt": "hi"}):
            print(str(event), event.data, end="")


        async def main() -> None:
            result = await replicate.async_run("acme/upscaler", input={"scale": 2})
            print(result)
            async for event in await replicate.async_stream("meta/llama", input={"prompt": "hi"}):
                print(event)

        asyncio.run(main())
    ''',
    "predictions.py": '''
        import replicate
        from replicate.client import Client

        client = Client(api_token="r8_x", base_url="http://127.0.0.1:5000")
        prediction = client.predictions.create(
            version="0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
            input={"prompt": "x"},
            webhook="https://example.com/hook",
            webhook_events_filter=["completed"],
        )
        prediction.reload()
        print(prediction.status, prediction.logs, prediction.error)
        prediction.wait()
        print(prediction.output)
        again = client.predictions.get(prediction.id)
        client.predictions.cancel(again.id)
        deployment = replicate.deployments.get("acme/upscaler")
        queued = deployment.predictions.create(input={"scale": 2})
        queued.cancel()
        other = replicate.models.predictions.create(model="acme/upscaler", input={"scale": 3})
        training = replicate.trainings.create(version="acme/upscaler:abc", input={"data": "https://x/y.zip"},
                                              destination="me/new")
        training.wait()
    ''',
    "old_client.py": '''
        import replicate

        model = replicate.models.get("acme/upscaler")
        version = model.versions.get("5c7d5dc6dd8b")
        print(version.predict(scale=2))


        class Service:
            def __init__(self) -> None:
                self.api = replicate

            def go(self) -> object:
                return self.api.run("acme/upscaler", input={})


        def helper(replicate_client: replicate.Client, prompt: str) -> object:
            return replicate_client.run("acme/upscaler", input={"prompt": prompt})


        print(helper(replicate.Client(api_token="t"), "p"))
    ''',
}


def test_rewritten_programs_type_check_against_fal_client(tmp_path: Path) -> None:
    pytest.importorskip("mypy")
    pytest.importorskip("fal_client")
    for name, source in PROGRAMS.items():
        result = rewrite(source)
        assert result.text is not None, name
        assert "replicate." not in result.text.replace("fal_replicate_compat.", ""), result.text
        assert not [s for s in result.sites if s.status == "flagged"], result.sites
        (tmp_path / name).write_text(result.text)
    (tmp_path / "fal_replicate_compat.py").write_text(helper_source())
    checked = subprocess.run(
        [sys.executable, "-m", "mypy", "--check-untyped-defs", "--no-incremental",
         "--cache-dir", str(tmp_path / ".m"),
         "--python-version", f"{sys.version_info.major}.{sys.version_info.minor}", *sorted(PROGRAMS),
         "fal_replicate_compat.py"],
        cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert checked.returncode == 0, checked.stdout + checked.stderr + "".join(
        f"\n--- {name}\n{(tmp_path / name).read_text()}" for name in PROGRAMS)


def test_a_wrong_keyword_would_be_caught(tmp_path: Path) -> None:
    """The check can fail: a keyword fal_client does not have is an error."""
    pytest.importorskip("mypy")
    (tmp_path / "wrong.py").write_text(textwrap.dedent('''
        import fal_client
        fal_client.submit("team/app", {}, webhook="https://example.com")
    '''))
    checked = subprocess.run([sys.executable, "-m", "mypy", "--no-incremental",
                              "--cache-dir", str(tmp_path / ".m"), "wrong.py"],
                             cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert checked.returncode == 1 and 'Unexpected keyword argument "webhook"' in checked.stdout
