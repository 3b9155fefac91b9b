"""One typical project converted end to end: the CLI in a fresh process, and `convert_project`.

    python benchmarks/bench_one.py [--runs N] [PROJECT]

PROJECT defaults to examples/image-filter/cog. Target: under 0.3 s.
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
from pathlib import Path

from _common import TYPICAL, console_script, header, memory_folder, report, run, timings

TARGET = 0.3


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("project", nargs="?", type=Path, default=TYPICAL)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--tmp", default=memory_folder(),
                        help="where the outputs go (default: /dev/shm when there is one)")
    args = parser.parse_args()
    project: Path = args.project.resolve()
    exe = console_script()
    header(f"one project: {project}")

    with tempfile.TemporaryDirectory(prefix="cog2fal-bench-", dir=args.tmp) as tmp:
        out = Path(tmp) / "out"

        def cli() -> None:
            run([exe, "convert", str(project), "--out", str(out)])

        def remove_output() -> None:
            shutil.rmtree(out)

        report("cog2fal convert PROJECT --out DIR (subprocess)",
               timings(cli, args.runs, warmup=2, cleanup=remove_output), TARGET)

    from cog2fal.convert import ConvertOptions, convert_project
    from cog2fal.output import write_tree

    def in_memory() -> None:
        convert_project(project, ConvertOptions())

    report("convert_project (in process, in memory)", timings(in_memory, args.runs * 2, warmup=2))

    with tempfile.TemporaryDirectory(prefix="cog2fal-bench-", dir=args.tmp) as tmp:
        counter = iter(range(10**6))

        def written() -> None:
            out = Path(tmp) / f"out{next(counter)}"
            write_tree(convert_project(project, ConvertOptions(), out=out).files, out)

        report("convert_project + write_tree (in process)", timings(written, args.runs * 2, warmup=2))


if __name__ == "__main__":
    main()
