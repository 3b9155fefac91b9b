"""Cog-built images: reading a project out of an image (reading side) and building images.

Everything here that talks to an engine imports the `docker` package inside the function that
needs it, so `cog2fal --help` and folder conversions never pay for it.
"""
