"""C2F301: replicate.run / async_run."""

from __future__ import annotations

from tests.client.helpers import check_noop, check_transformed


def test_run_with_a_version_becomes_subscribe_with_the_output_unwrapped() -> None:
    result = check_transformed('''
        import replicate

        # upscale it
        output = replicate.run(
            "acme/upscaler:5c7d5dc6dd8bf75c1acaa8565735e7986bc5b66206b55cca93cb72c9bf15ccaa",
            input={"scale": 2},
        )
        print(output.url)
    ''', '''
        import fal_client
        import fal_replicate_compat

        # upscale it
        output = fal_replicate_compat.output(fal_client.subscribe(
            "team/upscaler",
            {"scale": 2},
        ))
        print(output.url)
    ''')
    assert [(s.line, s.status, s.rule) for s in result.sites] == [(4, "rewritten", "C2F301")]
    assert result.needs_helper


def test_fal_owner_names_the_app_as_convert_does() -> None:
    check_transformed('''
        import replicate as rep
        text = "".join(rep.run("someone/My_Model", input={"prompt": "hi"}, wait=False))
    ''', '''
        import fal_client
        import fal_replicate_compat
        text = "".join(fal_replicate_compat.output(fal_client.subscribe("team/my-model", {"prompt": "hi"})))
    ''')


def test_use_file_output_false_and_api_token() -> None:
    check_transformed('''
        from replicate import run
        urls = run("acme/upscaler", input={"scale": 2}, use_file_output=False, api_token=TOKEN)
    ''', '''
        import fal_client
        import fal_replicate_compat
        urls = fal_replicate_compat.output(fal_client.SyncClient(key=TOKEN).subscribe("team/upscaler", {"scale": 2}), file_output=False)
    ''')  # noqa: E501 (the codemod's input and output, line for line)


def test_file_inputs_go_through_the_helper() -> None:
    check_transformed('''
        import replicate
        out = replicate.run("acme/upscaler", input={"image": open("cat.png", "rb")})
    ''', '''
        import fal_client
        import fal_replicate_compat
        out = fal_replicate_compat.output(fal_client.subscribe("team/upscaler", fal_replicate_compat.arguments({"image": open("cat.png", "rb")})))
    ''')  # noqa: E501 (the codemod's input and output, line for line)


def test_async_run() -> None:
    check_transformed('''
        import replicate

        async def main():
            return await replicate.async_run("acme/upscaler", input={"scale": 2})
    ''', '''
        import fal_client
        import fal_replicate_compat

        async def main():
            return await fal_replicate_compat.async_output(fal_client.subscribe_async("team/upscaler", {"scale": 2}))
    ''')  # noqa: E501 (the codemod's input and output, line for line)


def test_an_unknown_model_keeps_working_code_with_a_todo() -> None:
    from cog2fal.client.references import ModelMap
    result = check_transformed('''
        import replicate
        if True:
            out = replicate.run(MODEL, input={})
            other = replicate.run("x/y", input={})
    ''', '''
        import replicate
        if True:
            # TODO(cog2fal): the model is not a constant: pass the fal app id ("team/app") here
            out = replicate.run(MODEL, input={})
            # TODO(cog2fal): `x/y` has no fal app: map it in --map or pass --fal-owner
            other = replicate.run("x/y", input={})
    ''', models=ModelMap({}))
    assert [(s.line, s.status) for s in result.sites] == [(3, "flagged"), (4, "flagged")]


def test_a_discord_client_run_is_not_replicate() -> None:
    check_noop('''
        import discord
        import replicate
        client = discord.Client()
        client.run(TOKEN)
    ''')


def test_a_file_without_replicate_is_untouched() -> None:
    check_noop('''
        import os
        print(os.environ["REPLICATE_API_TOKEN"])
    ''')
