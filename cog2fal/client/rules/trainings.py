"""`trainings.create` → a request to the converted app's `/train` endpoint on fal's
queue, wrapped in `fal_replicate_compat.Prediction` as predictions are."""

from __future__ import annotations

import libcst as cst

from cog2fal.client.building import keyword_of
from cog2fal.client.references import Target
from cog2fal.client.rules.base import CallSite, ClientRule
from cog2fal.client.rules.common import fal_call, unknown_arguments, value_of, webhook_arguments
from cog2fal.client.rules.predictions import prediction
from cog2fal.client.tracking import Chain
from cog2fal.codes import Code


class Trainings(ClientRule):
    id = Code.CLIENT_TRAININGS
    summary = "trainings on the app's /train endpoint"
    replicate = "`trainings.create(version=/model=, input=, destination=, webhook=)`"
    fal = ("`fal_replicate_compat.Prediction(\"team/app\", "
           "fal_client.submit(\"team/app\", {...}, path=\"/train\"))`")

    def matches(self, chain: Chain) -> bool:
        return chain.kind in ("module", "client", "parameter") and chain.names == ("trainings", "create")

    def rewrite(self, site: CallSite) -> cst.BaseExpression | None:
        known = {"version", "model", "input", "destination", "webhook", "webhook_events_filter",
                 "webhook_completed"}
        if unknown_arguments(site, known, 2):
            return None
        model, version = value_of(site, "model", original=True), value_of(site, "version", 0, original=True)
        owner = site.context.reference(model) if model is not None else None
        number = site.context.reference(version) if version is not None else None
        ref = f"{owner}:{number}" if owner and number and ":" not in number else (number or owner)
        target = site.context.target(ref)
        if target is None:
            site.flag(f"`{ref}` has no fal app: map it in --map or pass --fal-owner" if ref else
                      "the model is not a constant: pass the fal app id here")
            return None
        func = site.fal("submit")
        if func is None:
            return None
        if keyword_of(site.args, "destination") is not None:
            site.note("fal keeps no destination model: the trained weights are in /train's response")
        train = Target(target.app, "/train")
        handle = fal_call(site, func, train, value_of(site, "input", 1), *webhook_arguments(site),
                          written=value_of(site, "input", 1, original=True))
        site.detail = f"fal_client.submit {target.app}/train"
        return prediction(site, target, handle)
