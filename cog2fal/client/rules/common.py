"""Pieces several rules share: reading Replicate's call arguments and building fal's."""

from __future__ import annotations

import libcst as cst

from cog2fal.client.building import arg, call, fal_arguments, keyword_of, positional, string
from cog2fal.client.references import Target
from cog2fal.client.rules.base import CallSite

WEBHOOK_TODO = (
    "fal POSTs one webhook when the request completes: {request_id, gateway_request_id, status: "
    "\"OK\"|\"ERROR\", payload (the app's response), error}; there is no events filter; verify the "
    "X-Fal-Webhook-Signature header (ED25519, keys from fal's JWKS; see docs.fal.ai webhooks)")


def value_of(site: CallSite, keyword: str, position: int | None = None, *,
             original: bool = False) -> cst.BaseExpression | None:
    """An argument of the call: as rewritten so far (to build the new call), or `original=True`
    as written (to resolve a model reference, which needs the original tree's scopes)."""
    args = list(site.original.args) if original else site.args
    found = keyword_of(args, keyword)
    if found is not None:
        return found.value
    plain = positional(args)
    if position is not None and len(plain) > position:
        return plain[position].value
    return None


def unknown_arguments(site: CallSite, known: set[str], positions: int) -> bool:
    """Flags what the rewrite cannot carry over: `*args`, `**kwargs`, unknown keywords."""
    for item in site.args:
        if item.star:
            site.flag(f"`{item.star}` arguments cannot be read statically: pass input=... explicitly")
            return True
        if item.keyword is not None and item.keyword.value not in known:
            site.flag(f"`{item.keyword.value}=` has no fal equivalent")
            return True
    if len(positional(site.args)) > positions:
        site.flag("unexpected positional arguments")
        return True
    return False


def fal_call(site: CallSite, func: cst.BaseExpression, target: Target, inputs: cst.BaseExpression | None,
             *extra: cst.Arg, default_path: str = "", written: cst.BaseExpression | None = None) -> cst.Call:
    """`func("team/app", arguments, path=..., ...)`, the input sent as Replicate's client sent it;
    `written` is the input in the original tree, for looking up what its names hold."""
    arguments, uses_helper = fal_arguments(inputs, site.context.tracking.holds_file, written)
    if uses_helper:
        site.context.uses_helper = True
    args = [arg(string(target.app)), arg(arguments)]
    if target.path and target.path != default_path:
        args.append(arg(string(target.path), "path"))
    args.extend(extra)
    return keep_layout(site.updated, call(func, *args))


def keep_layout(original: cst.Call, new: cst.Call) -> cst.Call:
    """The new call laid out as the original was: one argument per line stays so, with the
    original's indentation, trailing comma and closing line; a one-line call stays on one line."""
    old = list(original.args)
    if not old or not any("\n" in cst.Module([]).code_for_node(a.comma) for a in old
                          if isinstance(a.comma, cst.Comma)):
        return new
    args = []
    for index, item in enumerate(new.args):
        like = (old[-1] if index == len(new.args) - 1
                else old[min(index, len(old) - 2)] if len(old) > 1
                else old[0])
        args.append(item.with_changes(comma=like.comma, whitespace_after_arg=like.whitespace_after_arg))
    return new.with_changes(args=args, whitespace_before_args=original.whitespace_before_args)


def webhook_arguments(site: CallSite) -> list[cst.Arg]:
    """`webhook=` → `webhook_url=`; an events filter is dropped with a TODO."""
    extra = []
    webhook = value_of(site, "webhook")
    if webhook is not None:
        extra.append(arg(webhook, "webhook_url"))
    if keyword_of(site.args, "webhook_events_filter") is not None or \
            keyword_of(site.args, "webhook_completed") is not None:
        site.note(WEBHOOK_TODO)
    return extra
