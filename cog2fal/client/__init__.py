"""`cog2fal client`: a codemod that moves code calling Replicate's client to `fal_client` calls of
the converted apps. Discovery finds the files, references map models to fal app ids, tracking
says which names hold Replicate's client, rules/ rewrite one API family each, codemod.py runs
them over one file and report.py tells what was done."""
