"""Memory and time of inputs that are large in one dimension: a big project file, a long word.

    python benchmarks/bench_large.py [--size 1G] [--word 3000000] [--runs 3] [--tmp DIR]
                                     [--checkout DIR]

* A typical project (examples/image-filter/cog) with a sparse weights file of `--size` bytes
  (`truncate -s 1G weights.bin`): `cog2fal convert` (which copies the file into the output) and
  `cog2fal convert --check` against that output (which compares it), each under
  `/usr/bin/time -v`: wall time and peak resident memory. Copying 1 GB is most of the wall time;
  the memory shows whether the file was held whole (before: about 1 GB more).
* A `cog debug` Dockerfile with one `--word`-character word in an `ENV` line and in a `RUN`
  line: `cog2fal dockerfile DIR --from FILE` and `cog2fal convert DIR --from FILE --mode
  container`, wall time (before: minutes, quadratic in the word's length; a 100 KB word in an ENV
  line took over two minutes).

`--checkout DIR` measures another copy of the code (`git archive COMMIT cog2fal | tar -x -C DIR`)
with the same console script, through PYTHONPATH; a run that takes longer than `--timeout`
seconds is stopped and reported as such.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import signal
import statistics
import subprocess
import tempfile
from pathlib import Path

from _common import ENV, ROOT, TYPICAL, console_script, header

COG_DEBUG = ROOT / "tests" / "fixtures" / "cog_debug" / "v0_19_uv_gpu"
PREDICTOR = ("from cog import BasePredictor\n\n\nclass Predictor(BasePredictor):\n"
             "    def predict(self, text: str) -> str:\n        return text\n")


def measured(cmd: list[str], env: dict[str, str], timeout: float) -> tuple[float | None, int | None]:
    """(wall seconds, peak RSS in KiB) of one run under /usr/bin/time -v; (None, None) on timeout."""
    # Its own process group: on a timeout, cog2fal (time's child) is stopped too, not orphaned.
    process = subprocess.Popen(["/usr/bin/time", "-v", *cmd], stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True, env=env, start_new_session=True)
    try:
        _, stderr = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.communicate()
        return None, None
    done = subprocess.CompletedProcess(cmd, process.returncode, "", stderr)
    if done.returncode not in (0, 1):  # --check answers 1 when something would change
        raise SystemExit(f"{' '.join(cmd[:3])} ... failed ({done.returncode}):\n{done.stderr[-2000:]}")
    wall = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (?:(\d+):)?(\d+):([\d.]+)",
                     done.stderr)
    rss = re.search(r"Maximum resident set size \(kbytes\): (\d+)", done.stderr)
    assert wall and rss, done.stderr[-2000:]
    seconds = int(wall.group(1) or 0) * 3600 + int(wall.group(2)) * 60 + float(wall.group(3))
    return seconds, int(rss.group(1))


def report(label: str, cmd: list[str], env: dict[str, str], runs: int, timeout: float,
           between: object = None) -> None:
    walls, peaks = [], []
    for _ in range(runs):
        wall, peak = measured(cmd, env, timeout)
        if callable(between):
            between()
        if wall is None:
            print(f"{label:<62} over {timeout:.0f} s (stopped)", flush=True)
            return
        walls.append(wall)
        peaks.append(peak)
    print(f"{label:<62} wall {statistics.median(walls):7.2f} s  peak RSS "
          f"{statistics.median(peaks) / 1024:7.1f} MiB  (n={runs})", flush=True)


def size_in_bytes(text: str) -> int:
    units = {"K": 2**10, "M": 2**20, "G": 2**30}
    return int(float(text[:-1]) * units[text[-1].upper()]) if text[-1].upper() in units else int(text)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", default="1G", help="the weights file's size (default 1G)")
    parser.add_argument("--word", type=int, default=3_000_000, help="the long word's length")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--timeout", type=float, default=300)
    parser.add_argument("--tmp", default=None, help="where projects and outputs go (a disk: the "
                        "output holds a copy of the weights file)")
    parser.add_argument("--checkout", type=Path, help="measure the cog2fal package in this folder")
    args = parser.parse_args()
    exe = console_script()
    env = dict(ENV)
    if args.checkout is not None:
        env["PYTHONPATH"] = str(args.checkout.resolve())
    header(f"large inputs: code from {args.checkout or ROOT}")

    with tempfile.TemporaryDirectory(prefix="cog2fal-bench-large-", dir=args.tmp) as tmp:
        project = Path(tmp) / "model"
        shutil.copytree(TYPICAL, project)
        size = size_in_bytes(args.size)
        with open(project / "weights.bin", "wb") as handle:
            handle.truncate(size)  # sparse: costs no disk
        out = Path(tmp) / "out"
        convert = [exe, "convert", str(project), "--out", str(out), "--mode", "app"]

        def remove_output() -> None:
            shutil.rmtree(out, ignore_errors=True)

        report(f"convert, {args.size} weights file", convert, env, args.runs, args.timeout, remove_output)
        measured(convert, env, args.timeout)  # an output to check against
        report(f"convert --check, {args.size} weights file (unchanged)", [*convert, "--check"], env,
               args.runs, args.timeout)
        remove_output()
        os.unlink(project / "weights.bin")

        model = Path(tmp) / "container"
        model.mkdir()
        shutil.copy(COG_DEBUG / "cog.yaml", model / "cog.yaml")
        (model / "predict.py").write_text(PREDICTOR)
        base = (COG_DEBUG / "cog_debug.Dockerfile").read_text().splitlines()
        word = "a" * args.word
        for where, line in (("ENV", f"ENV {word}"), ("RUN", f"RUN echo {word}")):
            dockerfile = Path(tmp) / f"{where}.Dockerfile"
            dockerfile.write_text("\n".join([*base[:5], line, *base[5:]]) + "\n")
            report(f"dockerfile --from, a {args.word}-character word in {where}",
                   [exe, "dockerfile", str(model), "--from", str(dockerfile)], env, args.runs, args.timeout)
            report(f"convert --from --mode container, the word in {where}",
                   [exe, "convert", str(model), "--from", str(dockerfile), "--mode", "container",
                    "--out", str(out), "--force"], env, args.runs, args.timeout, remove_output)


if __name__ == "__main__":
    main()
