"""cog2fal: convert Replicate Cog projects into deployable fal apps, statically."""

__version__ = "0.1.0"
