"""`replicate.Client(api_token=...)` → `fal_client.SyncClient(key=...)`."""

from __future__ import annotations

import libcst as cst

from cog2fal.client.building import arg, call
from cog2fal.client.rules.base import CallSite, ClientRule
from cog2fal.client.rules.common import value_of
from cog2fal.client.tracking import Chain
from cog2fal.codes import Code


class Clients(ClientRule):
    id = Code.CLIENT_CLIENTS
    summary = "a client with its own token"
    replicate = ("`replicate.Client(api_token=..., base_url=..., timeout=...)`, "
                 "`from replicate.client import Client`")
    fal = "`fal_client.SyncClient(key=...)`"

    def matches(self, chain: Chain) -> bool:
        return chain.kind == "module" and chain.names == ("Client",)

    def rewrite(self, site: CallSite) -> cst.BaseExpression | None:
        if any(item.star for item in site.args):
            site.flag("`**` arguments cannot be read statically: pass key=... to fal_client.SyncClient")
            return None
        token = value_of(site, "api_token", 0)
        for item in site.args:
            name = item.keyword.value if item.keyword else None
            if name == "base_url":
                site.note("fal_client talks to fal's hosts; "
                          "set FAL_RUN_HOST / FAL_QUEUE_RUN_HOST to change them")
            elif name not in (None, "api_token"):
                site.note(f"`{name}=` of Replicate's client has no fal_client equivalent; dropped")
        site.context.uses_fal_client = True
        site.detail = "fal_client.SyncClient"
        return call("fal_client.SyncClient", *([arg(token, "key")] if token is not None else []))
