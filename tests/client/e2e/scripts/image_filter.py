"""Emboss a photo with our image-filter model and keep the result next to the other renders."""

import os
import sys

import replicate


def emboss(photo_path: str, out_dir: str) -> str:
    with open(photo_path, "rb") as photo:
        output = replicate.run(
            "acme/image-filter",
            input={"image": photo, "filter": "emboss", "strength": 0.6},
        )
    print(f"fetching {output.url}", file=sys.stderr)
    target = os.path.join(out_dir, "embossed.png")
    with open(target, "wb") as handle:
        handle.write(output.read())
    return target


if __name__ == "__main__":
    print(emboss(sys.argv[1], sys.argv[2]))
