class Predictor:
    # No return annotation: Cog <= 0.16 refused this ("You must set an output type"),
    # the 0.17+ runtime serves it.
    def predict(self, word: str, times: int = 2):
        return [word] * times
