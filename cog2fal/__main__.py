from cog2fal.cli import main

main()
