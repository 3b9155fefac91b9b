from cog2fal.cli import run

run()
