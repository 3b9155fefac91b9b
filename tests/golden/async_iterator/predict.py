import asyncio
from typing import AsyncIterator


class Predictor:
    async def predict(
        self,
        start: int = 3,
        label: str = "tick",
    ) -> AsyncIterator[str]:
        for n in range(start, 0, -1):
            await asyncio.sleep(0)
            yield f"{label} {n}"
        yield "liftoff"
