"""`replicate.stream` / `async_stream` → `fal_client.stream` / `stream_async` on the
app's `/stream` endpoint, each event handed out as Replicate's (`str(event)`, `.data`)."""

from __future__ import annotations

import libcst as cst

from cog2fal.client.building import arg, call
from cog2fal.client.rules.base import CallSite, ClientRule
from cog2fal.client.rules.common import fal_call, unknown_arguments, value_of
from cog2fal.client.tracking import Chain
from cog2fal.codes import Code


class Stream(ClientRule):
    id = Code.CLIENT_STREAM
    summary = "stream a model's output as it is produced"
    replicate = "`replicate.stream(ref, input=...)`, `await replicate.async_stream(...)`"
    fal = ("`fal_replicate_compat.stream(fal_client.stream(\"team/app\", {...}))` "
           "(`stream_async`, `async_stream`)")

    def matches(self, chain: Chain) -> bool:
        return chain.kind in ("module", "client", "parameter") and \
            chain.names in (("stream",), ("async_stream",))

    def rewrite(self, site: CallSite) -> cst.BaseExpression | None:
        asynchronous = site.chain.names == ("async_stream",)
        if unknown_arguments(site, {"ref", "model", "version", "input", "use_file_output"}, 2):
            return None
        target = site.app_target(value_of(site, "ref", 0, original=True)
                                 or value_of(site, "model", original=True)
                                 or value_of(site, "version", original=True))
        if target is None:
            return None
        func = site.fal("stream", asynchronous=asynchronous)
        if func is None:
            site.flag("an async call on a client passed in: use a fal_client.AsyncClient here")
            return None
        events = fal_call(site, func, target, value_of(site, "input", 1), default_path="/stream",
                          written=value_of(site, "input", 1, original=True))
        site.detail = f"{'fal_client.stream_async' if asynchronous else 'fal_client.stream'} {target.app}"
        return call(site.use_helper("async_stream" if asynchronous else "stream"), arg(events))
