# Prediction interface for Cog ⚙️
# https://cog.run/python

import asyncio
from typing import AsyncIterator


class Predictor:
    async def setup(self) -> None:
        """Pretend to open a connection to a backend"""
        await asyncio.sleep(0.01)
        self.greeting = "echo"
        self.served = 0

    async def predict(
        self,
        message: str = "hello from an async predictor",
        repeat: int = 3,
        delay: float = 0.05,
        uppercase: bool = False,
    ) -> AsyncIterator[str]:
        """Echo the message back, one chunk at a time"""
        self.served += 1
        text = message.upper() if uppercase else message
        for i in range(repeat):
            if i:
                await asyncio.sleep(delay)
            yield f"{self.greeting} {i + 1}/{repeat}: {text}"
