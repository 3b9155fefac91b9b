"""Print a short story from the streaming-text model as it is written, then a second take."""

import sys

import replicate


def tell(prompt: str) -> str:
    story = "".join(replicate.stream("acme/streaming-text", input={"prompt": prompt, "max_tokens": 40}))
    return story


def second_take(prompt: str) -> str:
    prediction = replicate.models.predictions.create(
        model="acme/streaming-text",
        input={"prompt": prompt, "seed": 7, "temperature": 1.2},
    )
    prediction.wait()
    if prediction.status != "succeeded":
        raise RuntimeError(prediction.error)
    return "".join(prediction.output)


if __name__ == "__main__":
    prompt = sys.argv[1] if len(sys.argv) > 1 else "the model"
    print(tell(prompt))
    print(second_take(prompt))
