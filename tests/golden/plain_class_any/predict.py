from typing import Any


class Predictor:
    """No BasePredictor: Cog only needs setup() and predict()."""

    def setup(self):
        self.ready = False
        # Warm-up run so the first real request is fast.
        self.predict(expression="1 + 1", as_text=False)
        self.ready = True

    def predict(
        self,
        expression: str,
        as_text: bool = False,
    ) -> Any:
        allowed = set("0123456789+-*/(). ")
        if not set(expression) <= allowed:
            raise ValueError("only numbers and + - * / ( ) are allowed")
        value = eval(expression, {"__builtins__": {}}, {})  # noqa: S307 - filtered above
        if as_text:
            return f"{expression} = {value}"
        return {"expression": expression, "value": value, "warm": self.ready}
