"""One module per CLI command: argument handling and output, on top of the library."""
