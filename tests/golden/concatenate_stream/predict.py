from cog2fal_runtime import ConcatenateIterator

TEMPLATE = "You said: {prompt}. That is {n} characters long."


class Predictor:
    def setup(self):
        self.template = TEMPLATE

    def predict(
        self,
        prompt: str,
        max_new_tokens: int = 128,
        system_prompt: str = "You are a helpful assistant.",
    ) -> ConcatenateIterator[str]:
        text = self.template.format(prompt=prompt, n=len(prompt))
        for i, word in enumerate(text.split(" ")):
            if i >= max_new_tokens:
                break
            yield word if i == 0 else " " + word
