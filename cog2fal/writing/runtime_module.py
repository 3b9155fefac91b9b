"""The name of the module shipped next to every generated app (support/cog2fal_runtime.py): the
app imports it, and the rewritten model code imports Cog's names from it."""

RUNTIME = "cog2fal_runtime"
