import os

# Read once at import, like a tokenizer config would be.
STYLE = os.environ.get("STYLE_MODE", "plain")


def decorate(text, preset):
    return f"{preset['open']}{text}{preset['close']}"
