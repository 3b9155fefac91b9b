"""Replicate's webhook helpers (`replicate.webhooks.validate`, the signing secret) have
no fal_client counterpart: flagged with fal's payload shape and its signature check."""

from __future__ import annotations

import libcst as cst

from cog2fal.client.rules.base import CallSite, ClientRule
from cog2fal.client.rules.common import WEBHOOK_TODO
from cog2fal.client.tracking import Chain
from cog2fal.codes import Code


class Webhooks(ClientRule):
    id = Code.CLIENT_WEBHOOKS
    summary = "webhook receivers: fal's payload and signature"
    replicate = "`replicate.webhooks.validate(...)`, `replicate.webhooks.default.secret()`"
    fal = "a TODO: fal's payload shape and its ED25519 signature check"

    def matches(self, chain: Chain) -> bool:
        return bool(chain.steps) and chain.steps[0].name in ("webhooks", "webhook")

    def rewrite(self, site: CallSite) -> cst.BaseExpression | None:
        site.flag(WEBHOOK_TODO)
        return None
