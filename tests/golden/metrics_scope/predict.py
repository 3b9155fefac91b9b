from cog2fal_runtime import current_scope


class Predictor:
    def predict(
        self,
        prompt: str,
        max_tokens: int = 8,
    ) -> str:
        tokens = prompt.split()[:max_tokens]
        scope = current_scope()
        scope.record_metric("input_token_count", len(prompt.split()))
        scope.record_metric("output_token_count", len(tokens))
        return " ".join(reversed(tokens))
