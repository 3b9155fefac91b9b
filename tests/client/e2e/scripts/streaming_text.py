"""Print a short story from the streaming-text model as it is written, then two more takes."""

import sys

import replicate


def tell(prompt: str) -> str:
    events = replicate.stream("acme/streaming-text", input={"prompt": prompt, "max_tokens": 40})
    return "".join(str(event) for event in events)


def retell(prompt: str) -> str:
    # An iterator output comes back as its items: join them.
    return "".join(replicate.run("acme/streaming-text", input={"prompt": prompt, "seed": 3}))


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
    print(retell(prompt))
    print(second_take(prompt))
