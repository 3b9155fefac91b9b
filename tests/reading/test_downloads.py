"""Download and cache sites are found statically, with the folder they write resolved when the
code names it by literals and constants, and reported unresolved (never guessed) otherwise."""

from __future__ import annotations

import textwrap
from pathlib import Path

from cog2fal.reading.downloads import find_downloads, scan_file
from cog2fal.reading.project_reader import read_project


def _sites(code: str) -> list[tuple]:
    found = scan_file("predict.py", textwrap.dedent(code))
    return [(s.location.line, s.kind, s.target, s.variable, s.url, s.extract) for s in found]


def test_pget_through_a_helper_function_resolves_at_its_caller() -> None:
    sites = _sites('''
        import os, subprocess
        MODEL_CACHE = "model-cache"
        WEIGHTS_URL = "https://weights.replicate.delivery/default/m.tar"

        def download_weights(url, dest):
            subprocess.check_call(["pget", "-x", url, dest], close_fds=False)

        class Predictor:
            def setup(self):
                if not os.path.exists(MODEL_CACHE):
                    download_weights(WEIGHTS_URL, MODEL_CACHE)
    ''')
    assert (3, "folder_constant", "model-cache", None, None, False) in sites
    url = "https://weights.replicate.delivery/default/m.tar"
    assert (12, "pget", "model-cache", None, url, True) in sites


def test_shell_strings_and_other_downloaders() -> None:
    sites = _sites('''
        import os
        from subprocess import check_call, run
        import subprocess as sp
        BASE = "https://example.com/w"

        def setup():
            os.system(f"mkdir -p ckpt && wget -q -O ckpt/a.pt {BASE}/a.pt")
            check_call("pget multifile manifest.txt", shell=True)
            run(["curl", "-L", "-o", os.path.join("ckpt", "b.pt"), BASE + "/b.pt"])
            sp.Popen(["bash", "-c", "pget -f https://example.com/c.bin weights/c.bin"])
            run(["wget", "-P", "dl", "https://example.com/d.bin"])
            run(["curl", "-s", "https://example.com/status"])
    ''')
    assert (8, "wget", "ckpt/a.pt", None, "https://example.com/w/a.pt", False) in sites
    assert (9, "pget_manifest", "manifest.txt", None, None, False) in sites
    assert (10, "curl", "ckpt/b.pt", None, "https://example.com/w/b.pt", False) in sites
    assert (11, "pget", "weights/c.bin", None, "https://example.com/c.bin", False) in sites
    assert (12, "wget", "dl/d.bin", None, "https://example.com/d.bin", False) in sites
    assert not [s for s in sites if s[0] == 13]  # curl to stdout keeps nothing


def test_combined_flags_dict_constants_and_commands_that_do_not_fold() -> None:
    sites = _sites('''
        import os, subprocess
        from cog import Path
        WEIGHTS_PATH = Path("./FLUX.1-dev")
        INFO = {"WEIGHTS_DIR": "/src/weights", "MODEL_URL": "https://x/y.tar", "TMP": "/tmp"}

        def download_weights():
            subprocess.check_output(["pget", "-xf", "https://w/files.tar", str(WEIGHTS_PATH.parent)])

        def fetch(url, dest):
            command = ["pget", "-vf" + ("x" if ".tar" in url else ""), url, dest]
            subprocess.check_call(command)
    ''')
    assert (4, "folder_constant", "FLUX.1-dev", None, None, False) in sites
    assert (5, "folder_constant", "/src/weights", None, None, False) in sites
    assert (8, "pget", ".", None, "https://w/files.tar", True) in sites
    assert len([s for s in sites if s[1] == "pget"]) == 1


def test_cache_variables_and_arguments() -> None:
    sites = _sites('''
        import os
        os.environ["HF_HOME"] = "./hf-cache"
        os.environ.setdefault("TORCH_HOME", "/src/torch")
        os.putenv("TRANSFORMERS_CACHE", "tf")
        os.environ.update({"HF_HUB_CACHE": "hub"})
        os.environ["CUDA_VISIBLE_DEVICES"] = "0"
        from huggingface_hub import snapshot_download, hf_hub_download
        snapshot_download("org/model", local_dir="sd-weights")
        hf_hub_download(repo_id="org/model", filename="x.bin", cache_dir=CACHE)
    ''')
    assert (3, "cache_variable", "./hf-cache", "HF_HOME", None, False) in sites
    assert (4, "cache_variable", "/src/torch", "TORCH_HOME", None, False) in sites
    assert (5, "cache_variable", "tf", "TRANSFORMERS_CACHE", None, False) in sites
    assert (6, "cache_variable", "hub", "HF_HUB_CACHE", None, False) in sites
    assert not [s for s in sites if s[0] == 7]
    assert (9, "cache_argument", "sd-weights", None, None, False) in sites
    # CACHE is not a constant of the file: computed at run time, reported unresolved.
    assert (10, "cache_argument", None, None, None, False) in sites


def test_default_library_caches() -> None:
    sites = _sites('''
        import torch
        from transformers import AutoModel
        MODEL_ID = "org/model"
        AutoModel.from_pretrained(MODEL_ID)
        AutoModel.from_pretrained("./weights/local")
        torch.hub.load("facebookresearch/dino", "dino_vits16")
    ''')
    assert (5, "huggingface", None, "HF_HOME", None, False) in sites
    assert not [s for s in sites if s[0] == 6]  # a local folder, not a download
    assert (7, "torch_hub", None, "TORCH_HOME", None, False) in sites


def test_no_op_cases() -> None:
    """Code already on /data is found with its /data target (the plan leaves it alone); paths
    computed at run time are found unresolved; code that downloads nothing yields nothing."""
    sites = _sites('''
        import os, subprocess
        MODEL_CACHE = "/data/my-model"
        CONFIG_FILE = "configs/base.yaml"

        class Predictor:
            def setup(self):
                subprocess.check_call(["pget", "-x", os.environ["URL"], self.dest])
                with open(CONFIG_FILE) as f:
                    self.config = f.read()
    ''')
    assert sites == [(3, "folder_constant", "/data/my-model", None, None, False),
                     (8, "pget", None, None, None, True)]
    assert _sites("def predict(x: int) -> int:\n    return x\n") == []
    assert scan_file("broken.py", "def (:\n") == []


def test_project_level_sites(tmp_path: Path) -> None:
    (tmp_path / "cog.yaml").write_text(
        'build:\n  python_version: "3.11"\npredict: "predict.py:Predictor"\n'
        "environment:\n  - HF_HOME=/src/hf\n  - OTHER=1\n")
    (tmp_path / "predict.py").write_text(textwrap.dedent('''
        from cog import BasePredictor, Path
        WEIGHTS_CACHE = "weights"
        class Predictor(BasePredictor):
            def setup(self, weights: Path = None):
                pass
            def predict(self, x: int) -> int:
                return x
    '''))
    project = read_project(tmp_path)
    sites = find_downloads(tmp_path, ["predict.py"], project)
    assert [(s.location.file, s.kind, s.target, s.variable) for s in sites] == [
        ("cog.yaml", "cache_variable", "/src/hf", "HF_HOME"),
        ("predict.py", "folder_constant", "weights", None),
        ("predict.py", "setup_weights", None, "COG_WEIGHTS"),
    ]


def test_helpers_in_other_files_are_folded_with_their_callers_arguments(tmp_path: Path) -> None:
    (tmp_path / "cog.yaml").write_text('build:\n  python_version: "3.11"\npredict: "predict.py:Predictor"\n')
    (tmp_path / "common.py").write_text(textwrap.dedent('''
        import subprocess

        def download_weights(url, dest):
            subprocess.check_call(["pget", "-x", url, dest], close_fds=False)
    '''))
    (tmp_path / "safety.py").write_text(textwrap.dedent('''
        from transformers import CLIPImageProcessor

        class SafetyChecker:
            def __init__(self, cache_dir):
                self.processor = CLIPImageProcessor.from_pretrained("openai/clip", cache_dir=cache_dir)
    '''))
    (tmp_path / "predict.py").write_text(textwrap.dedent('''
        from cog import BasePredictor
        from common import download_weights
        from safety import SafetyChecker
        SDXL_CACHE = "./sdxl-cache"
        SDXL_URL = "https://weights.replicate.delivery/default/sdxl.tar"

        class Predictor(BasePredictor):
            def setup(self):
                download_weights(SDXL_URL, SDXL_CACHE)
                self.safety = SafetyChecker(cache_dir="safety-cache")

            def predict(self, x: int) -> int:
                return x
    '''))
    project = read_project(tmp_path)
    sites = find_downloads(tmp_path, ["common.py", "predict.py", "safety.py"], project)
    found = [(str(s.location), s.kind, s.target, s.url) for s in sites]
    url = "https://weights.replicate.delivery/default/sdxl.tar"
    assert ("predict.py:10", "pget", "./sdxl-cache", url) in found
    assert ("predict.py:11", "cache_argument", "safety-cache", None) in found
    assert not [f for f in found if f[2] is None and f[1] != "setup_weights"], found


def test_a_file_with_a_three_megabyte_line_is_scanned_in_linear_time(tmp_path: Path) -> None:
    """`ast.get_source_segment` splits the whole file on every call: minutes for this file."""
    import time

    from cog2fal.reading.downloads import _scan_all

    text = f"BLOB = '{'a' * 3_000_000}'\n" + "".join(f"CACHE_{i} = 'cache-{i}'\n" for i in range(60))
    started = time.monotonic()
    sites = _scan_all({"predict.py": text})
    assert time.monotonic() - started < 10
    assert {s.target for s in sites} >= {"cache-0", "cache-59"}
