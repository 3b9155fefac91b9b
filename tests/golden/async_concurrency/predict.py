import asyncio


class Predictor:
    async def setup(self) -> None:
        # Stand-in for opening a client session / starting an engine.
        await asyncio.sleep(0)
        self.prefix = "echo"

    async def predict(
        self,
        text: str,
        delay: float = 0.0,
    ) -> str:
        await asyncio.sleep(delay)
        return f"{self.prefix}: {text}"
