"""Caption a product photo, print the caption and tags, and save the thumbnail for the catalogue."""

import sys
from pathlib import Path

import replicate

MODEL = "acme/caption-json:5c7d5dc6dd8bf75c1acaa8565735e7986bc5b66206b55cca93cb72c9bf15ccaa"


def describe(photo: Path, out_dir: Path) -> dict:
    output = replicate.run(MODEL, input={"image": photo, "detail": "long", "thumbnail_size": 64})
    thumbnail = out_dir / "thumbnail.jpg"
    thumbnail.write_bytes(output["thumbnail"].read())
    return {
        "caption": output["caption"],
        "size": f'{output["width"]}x{output["height"]}',
        "tags": ", ".join(output["tags"]),
        "color": output["dominant_color"],
    }


if __name__ == "__main__":
    for key, value in describe(Path(sys.argv[1]), Path(sys.argv[2])).items():
        print(f"{key}: {value}")
