"""predictions on fal's queue. `predictions.create` (by version, model or deployment,
`models.predictions.create`, `deployments.get(...).predictions.create`) → `fal_client.submit`,
with `webhook=` → `webhook_url=`; `predictions.get` / `cancel` → the same request on fal. The
result is wrapped in `fal_replicate_compat.Prediction`, so `wait()`, `reload()`, `cancel()`,
`status`, `output`, `logs` and `error` keep working."""

from __future__ import annotations

import libcst as cst

from cog2fal.client.building import arg, call, string
from cog2fal.client.references import Target
from cog2fal.client.rules.base import CallSite, ClientRule
from cog2fal.client.rules.common import fal_call, unknown_arguments, value_of, webhook_arguments
from cog2fal.client.tracking import Chain
from cog2fal.codes import Code

_CREATE = {("predictions", "create"), ("models", "predictions", "create"),
           ("deployments", "predictions", "create"), ("deployments", "get()", "predictions", "create")}
_KNOWN = {"version", "model", "deployment", "input", "webhook", "webhook_events_filter",
          "webhook_completed", "wait", "use_file_output"}


def prediction(site: CallSite, target: Target, handle: cst.BaseExpression) -> cst.Call:
    extra = []
    if site.chain.kind == "client" and site.chain.receiver is not None:
        extra.append(arg(site.chain.receiver, "client"))
    return call(site.use_helper("Prediction"), arg(string(target.app)), arg(handle), *extra)


def single_app(site: CallSite) -> Target | None:
    """predictions.get/cancel take only an id; fal needs the app too: the one app this file
    calls, or the only app of the map."""
    apps = site.context.apps or site.context.models.apps
    if len(apps) == 1:
        return Target(next(iter(apps)))
    site.flag("fal needs the app id with the request id: pass it here")
    return None


class Predictions(ClientRule):
    id = Code.CLIENT_PREDICTIONS
    summary = "predictions on the queue: create, get, cancel, with webhooks"
    replicate = ("`predictions.create(version=/model=/deployment=, input=, webhook=, "
                 "webhook_events_filter=)`, `models.predictions.create`, "
                 "`deployments.get(...).predictions.create`, `predictions.get(id)`, `predictions.cancel(id)`")
    fal = ("`fal_replicate_compat.Prediction(\"team/app\", fal_client.submit(\"team/app\", {...}, "
           "webhook_url=...))`; `fal_client.cancel(\"team/app\", id)`")

    def matches(self, chain: Chain) -> bool:
        if chain.kind == "deployment":
            return chain.names == ("predictions", "create")
        return chain.kind in ("module", "client", "parameter") and (
            chain.names in _CREATE or chain.names in (("predictions", "get"), ("predictions", "cancel")))

    def rewrite(self, site: CallSite) -> cst.BaseExpression | None:
        names = site.chain.names
        if names == ("predictions", "get"):
            return self._get(site)
        if names == ("predictions", "cancel"):
            return self._cancel(site)
        if unknown_arguments(site, _KNOWN, 2):
            return None
        target = self._target(site)
        if target is None:
            return None
        func = site.fal("submit")
        if func is None:
            return None
        position = 1 if self._has_reference_argument(site) else 0
        handle = fal_call(site, func, target, value_of(site, "input", position), *webhook_arguments(site),
                          written=value_of(site, "input", position, original=True))
        site.detail = f"fal_client.submit {target.app}"
        return prediction(site, target, handle)

    @staticmethod
    def _has_reference_argument(site: CallSite) -> bool:
        return site.chain.kind != "deployment" \
            and site.chain.names != ("deployments", "get()", "predictions", "create")

    def _target(self, site: CallSite) -> Target | None:
        chain = site.chain
        if chain.kind == "deployment":
            target = site.context.target(chain.ref)
            if target is None:
                site.flag(f"`{chain.ref}` has no fal app: map it in --map or pass --fal-owner")
            return target
        if chain.names == ("deployments", "get()", "predictions", "create"):
            get = chain.steps[1].call
            return site.app_target(get.args[0].value if get and get.args else None, "deployment")
        ref = value_of(site, "version", original=True) or value_of(site, "model", original=True) or \
            value_of(site, "deployment", original=True) or value_of(site, "version", 0, original=True)
        version = value_of(site, "version", original=True)
        model = value_of(site, "model", original=True)
        if model is not None and version is not None:  # model="owner/name", version="id"
            owner = site.context.reference(model)
            number = site.context.reference(version)
            if owner and number and ":" not in number:
                target = site.context.target(f"{owner}:{number}")
                if target is None:
                    site.flag(f"`{owner}` has no fal app: map it in --map or pass --fal-owner")
                return target
        return site.app_target(ref)

    def _get(self, site: CallSite) -> cst.BaseExpression | None:
        if unknown_arguments(site, {"id"}, 1):
            return None
        request = value_of(site, "id", 0)
        target = single_app(site)
        if target is None or request is None:
            return None
        site.detail = f"fal_client request {target.app}"
        return prediction(site, target, request)

    def _cancel(self, site: CallSite) -> cst.BaseExpression | None:
        if unknown_arguments(site, {"id"}, 1):
            return None
        request = value_of(site, "id", 0)
        target = single_app(site)
        func = site.fal("cancel")
        if target is None or request is None or func is None:
            return None
        site.detail = f"fal_client.cancel {target.app}"
        return call(func, arg(string(target.app)), arg(request))
