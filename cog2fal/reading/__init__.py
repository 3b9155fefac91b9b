"""Reading Cog: cog.yaml, requirements and the predictor's source, statically."""
