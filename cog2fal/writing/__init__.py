"""Writing fal: the app file, the rewritten model code, the runtime support module, Dockerfiles."""
