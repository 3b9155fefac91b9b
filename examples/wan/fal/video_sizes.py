"""Resolution presets and frame-count rules of Wan 2.1 text-to-video."""

# (resolution, aspect ratio) -> key of wan.configs.SIZE_CONFIGS ("width*height")
SIZES = {
    ("480p", "16:9"): "832*480",
    ("480p", "9:16"): "480*832",
    ("720p", "16:9"): "1280*720",
    ("720p", "9:16"): "720*1280",
}


def size_key(resolution: str, aspect_ratio: str) -> str:
    return SIZES[(resolution, aspect_ratio)]


def valid_frame_count(num_frames: int) -> int:
    """Wan's VAE compresses time 4x: the frame count must be 4n + 1."""
    n = max(1, round((num_frames - 1) / 4))
    return 4 * n + 1
