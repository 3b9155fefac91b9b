"""`replicate.run` / `async_run` → `fal_client.subscribe` / `subscribe_async`, the
response unwrapped to what `run` returned (files as `FileOutput`, or URLs with
`use_file_output=False`)."""

from __future__ import annotations

import libcst as cst

from cog2fal.client.building import arg, call, keyword_of
from cog2fal.client.rules.base import CallSite, ClientRule
from cog2fal.client.rules.common import fal_call, unknown_arguments, value_of
from cog2fal.client.tracking import Chain
from cog2fal.codes import Code


class Run(ClientRule):
    id = Code.CLIENT_RUN
    summary = "run a model and wait for its output"
    replicate = "`replicate.run(ref, input=..., use_file_output=..., wait=..., api_token=...)`, `async_run`"
    fal = ("`fal_replicate_compat.output(fal_client.subscribe(\"team/app\", {...}))` "
           "(`subscribe_async` and `async_output`; `SyncClient(key=...)` for `api_token=`)")

    def matches(self, chain: Chain) -> bool:
        return chain.kind in ("module", "client", "parameter") and chain.names in (("run",), ("async_run",))

    def rewrite(self, site: CallSite) -> cst.BaseExpression | None:
        asynchronous = site.chain.names == ("async_run",)
        known = {"ref", "model", "version", "input", "use_file_output", "wait", "api_token"}
        if unknown_arguments(site, known, 2):
            return None
        ref = value_of(site, "ref", 0, original=True) or value_of(site, "model", original=True) or \
            value_of(site, "version", original=True)
        target = site.app_target(ref)
        if target is None:
            return None
        token = value_of(site, "api_token")
        if token is not None:
            site.context.uses_fal_client = True
            client = call("fal_client.AsyncClient" if asynchronous else "fal_client.SyncClient",
                          arg(token, "key"))
            func: cst.BaseExpression | None = cst.Attribute(value=client, attr=cst.Name("subscribe"))
        else:
            func = site.fal("subscribe", asynchronous=asynchronous)
        if func is None:
            site.flag("an async call on a client passed in: use a fal_client.AsyncClient here")
            return None
        response = fal_call(site, func, target, value_of(site, "input", 1),
                            written=value_of(site, "input", 1, original=True))
        extra = []
        file_output = keyword_of(site.args, "use_file_output")
        if file_output is not None:
            extra.append(arg(file_output.value, "file_output"))
        site.detail = (f"{'fal_client.subscribe_async' if asynchronous else 'fal_client.subscribe'} "
                       f"{target.app}")
        return call(site.use_helper("async_output" if asynchronous else "output"), arg(response), *extra)
