"""the removed `version.predict(**inputs)` and `model.predict(**inputs)` of Replicate's
old clients (`models.get(...).versions.get(...)`) → `fal_client.subscribe`, the output as those
clients returned it (URL strings for files)."""

from __future__ import annotations

import libcst as cst

from cog2fal.client.building import arg, call, kwargs_dict
from cog2fal.client.rules.base import REFERENCE_KINDS, CallSite, ClientRule
from cog2fal.client.rules.common import fal_call
from cog2fal.client.tracking import Chain, model_reference
from cog2fal.codes import Code


class Predict(ClientRule):
    id = Code.CLIENT_PREDICT
    summary = "the old clients' version.predict() and model.predict()"
    replicate = ("`replicate.models.get(\"owner/name\").versions.get(\"id\").predict(**inputs)`, "
                 "`model.predict(...)`")
    fal = "`fal_replicate_compat.output(fal_client.subscribe(\"team/app\", {...}), file_output=False)`"

    def matches(self, chain: Chain) -> bool:
        return bool(chain.steps) and chain.steps[-1].name == "predict" and (
            chain.kind in REFERENCE_KINDS or chain.kind in ("module", "client", "parameter"))

    def rewrite(self, site: CallSite) -> cst.BaseExpression | None:
        chain = site.chain
        head = Chain(chain.kind, chain.receiver, chain.steps[:-1], chain.ref, chain.binding)
        found = model_reference(site.context.tracking, head)
        if found is None:
            site.flag("the model of this predict() is not a constant: pass the fal app id here")
            return None
        target = site.context.target(found[1])
        if target is None:
            site.flag(f"`{found[1]}` has no fal app: map it in --map or pass --fal-owner")
            return None
        if any(item.keyword is None and not item.star for item in site.args):
            site.flag("predict() takes the inputs as keywords")
            return None
        func = site.fal("subscribe")
        if func is None:
            return None
        response = fal_call(site, func, target, kwargs_dict(site.args),
                            written=kwargs_dict(list(site.original.args)))
        site.detail = f"fal_client.subscribe {target.app}"
        return call(site.use_helper("output"), arg(response), arg("False", "file_output"))
