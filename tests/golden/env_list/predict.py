import os

# Read at import time: the environment must be set before the module loads.
FLAVOR = os.environ.get("MODEL_FLAVOR", "unset")


class Predictor:
    def predict(self, name: str = "world") -> str:
        greeting = os.environ.get("GREETING", "hello")
        return f"{greeting} {name} from the {FLAVOR} model (HF_HOME={os.environ.get('HF_HOME')})"
