from typing import List


class Predictor:
    def predict(
        self,
        values: List[float],
        ddof: int = 0,
    ) -> List[float]:
        import numpy as np

        arr = np.asarray(values, dtype=np.float64)
        # numpy scalars, as real models return them; Cog turns them into JSON numbers
        return [arr.mean(), arr.std(ddof=ddof), arr.min(), arr.max()]
