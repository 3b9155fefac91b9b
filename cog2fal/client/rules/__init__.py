"""The client rules, in the order they are tried at each call site (the first that matches
rewrites or flags it), then the rules on names, then imports, last."""

from __future__ import annotations

from cog2fal.client.rules.base import ClientRule
from cog2fal.client.rules.clients import Clients
from cog2fal.client.rules.imports import Imports
from cog2fal.client.rules.models import Predict
from cog2fal.client.rules.names import Environment, Exceptions
from cog2fal.client.rules.predictions import Predictions
from cog2fal.client.rules.run import Run
from cog2fal.client.rules.stream import Stream
from cog2fal.client.rules.trainings import Trainings
from cog2fal.client.rules.webhooks import Webhooks

CALL_RULES: tuple[ClientRule, ...] = (
    Run(), Stream(), Predictions(), Predict(), Trainings(), Clients(), Webhooks(),
)
NAME_RULES = (Exceptions, Environment)
ALL_RULES = (*(type(rule) for rule in CALL_RULES), *NAME_RULES, Imports)
