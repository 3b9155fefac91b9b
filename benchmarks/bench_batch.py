"""A batch of projects converted in one process, next to what libcst alone needs for the same files.

    python benchmarks/bench_batch.py [--count N] [--runs R]

The batch is every Cog project of the repository (tests/fixtures/projects, examples/*/cog),
copied into a temporary folder under distinct names and repeated up to N projects (default 100).
Figures:

* the CLI: `cog2fal convert P1 ... PN --out-root DIR`, one fresh process (startup included);
* in process: `run_convert` (what the CLI runs: convert, write, report) and `convert_project`
  alone (in memory);
* the floor: `libcst.parse_module(text).code` over every .py file of the batch, in process, and
  in a fresh process (Python startup and `import libcst` included, to set next to the CLI).

The batch and the outputs live in /dev/shm when the machine has it (see `memory_folder`);
removing a run's outputs happens between runs, untimed.

Target: the batch in at most twice the floor.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import shutil
import sys
import tempfile
from pathlib import Path

from _common import all_projects, console_script, header, memory_folder, report, run, timings

FLOOR_SCRIPT = """
import sys, libcst
for name in sys.argv[1:]:
    with open(name, encoding="utf-8") as f:
        libcst.parse_module(f.read()).code
"""


def make_batch(tmp: Path, count: int) -> list[Path]:
    sources = all_projects()
    batch = []
    for index in range(count):
        source = sources[index % len(sources)]
        name = source.parent.name if source.name == "cog" else source.name
        target = tmp / "projects" / f"{index:03d}-{name}"
        shutil.copytree(source, target, ignore=shutil.ignore_patterns("__pycache__"))
        batch.append(target)
    return batch


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=100)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--tmp", default=memory_folder(),
                        help="where the batch and the outputs go (default: /dev/shm when there is one)")
    args = parser.parse_args()
    exe = console_script()

    import libcst

    from cog2fal.commands.convert import run_convert
    from cog2fal.convert import ConvertOptions, convert_project

    with tempfile.TemporaryDirectory(prefix="cog2fal-bench-", dir=args.tmp) as tmp_name:
        tmp = Path(tmp_name)
        batch = make_batch(tmp, args.count)
        py_files = sorted(p for project in batch for p in project.rglob("*.py"))
        texts = [p.read_text(encoding="utf-8") for p in py_files]
        size = sum(len(t.encode()) for t in texts)
        header(f"batch: {len(batch)} projects, {len(py_files)} .py files, {size / 1024:.0f} KiB of Python, "
               f"in {tmp.parent}")
        out_root = tmp / "out"

        def remove_output() -> None:
            shutil.rmtree(out_root, ignore_errors=True)

        def floor_in_process() -> None:
            for text in texts:
                _ = libcst.parse_module(text).code

        def floor_subprocess() -> None:
            run([sys.executable, "-c", FLOOR_SCRIPT, *map(str, py_files)])

        def cli() -> None:
            run([exe, "convert", *map(str, batch), "--out-root", str(out_root)])

        def in_process_cli() -> None:
            with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
                code = run_convert(batch, ConvertOptions(), out_root=out_root, as_json=True)
            assert code == 0, code

        def in_memory() -> None:
            for project in batch:
                convert_project(project, ConvertOptions())

        floor = report("floor: libcst parse + print, in process", timings(floor_in_process, args.runs))
        floor_sub = report("floor: libcst parse + print, fresh process",
                           timings(floor_subprocess, args.runs))
        cli_t = report("cog2fal convert ... --out-root DIR (one process)",
                       timings(cli, args.runs, cleanup=remove_output))
        run_t = report("run_convert (in process: convert, write, report)",
                       timings(in_process_cli, args.runs, cleanup=remove_output))
        mem_t = report("convert_project (in process, in memory)", timings(in_memory, args.runs))
        print(f"ratio CLI process / floor process:          {cli_t / floor_sub:5.2f}x  (target <= 2)")
        print(f"ratio run_convert / floor in process:       {run_t / floor:5.2f}x  (target <= 2)")
        print(f"ratio convert_project / floor in process:   {mem_t / floor:5.2f}x")
        per = run_t / len(batch)
        print(f"per project (run_convert): {per * 1000:.1f} ms")


if __name__ == "__main__":
    main()
