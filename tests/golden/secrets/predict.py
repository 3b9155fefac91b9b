import hashlib
from typing import Optional

from cog2fal_runtime import Secret


def fingerprint(secret: Optional[Secret]) -> str:
    if secret is None:
        return "none"
    return hashlib.sha256(secret.get_secret_value().encode()).hexdigest()[:8]


class Predictor:
    def predict(
        self,
        query: str,
        api_key: Secret,
        fallback_key: Optional[Secret] = None,
    ) -> str:
        # A real proxy would call the API here; the demo only proves which keys arrived.
        return f"{query}|{fingerprint(api_key)}|{fingerprint(fallback_key)}"
