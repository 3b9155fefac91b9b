"""`cog2fal --help` wall time: the console script in a fresh process, as a user runs it.

    python benchmarks/bench_help.py [--runs N]

Target: under 0.3 s. For where the time goes: `python -X importtime -m cog2fal --help`.
"""

from __future__ import annotations

import argparse

from _common import console_script, header, report, run, timings

TARGET = 0.3


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    exe = console_script()
    header("cog2fal --help")
    report("cog2fal --help (subprocess)", timings(lambda: run([exe, "--help"]), args.runs, warmup=2),
           TARGET)
    report("cog2fal --version (subprocess)", timings(lambda: run([exe, "--version"]), args.runs, warmup=1))
    report("cog2fal convert --help (subprocess)",
           timings(lambda: run([exe, "convert", "--help"]), args.runs, warmup=1))


if __name__ == "__main__":
    main()
