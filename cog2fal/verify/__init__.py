"""Checks that a converted fal app matches the Cog model it came from: schemas and outputs."""
