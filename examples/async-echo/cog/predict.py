# Prediction interface for Cog ⚙️
# https://cog.run/python

import asyncio
from typing import AsyncIterator

from cog import BasePredictor, Input


class Predictor(BasePredictor):
    async def setup(self) -> None:
        """Pretend to open a connection to a backend"""
        await asyncio.sleep(0.01)
        self.greeting = "echo"
        self.served = 0

    async def predict(
        self,
        message: str = Input(
            description="Message to echo back",
            default="hello from an async predictor",
            min_length=1,
            max_length=1000,
        ),
        repeat: int = Input(
            description="How many chunks to stream back",
            default=3,
            ge=1,
            le=20,
        ),
        delay: float = Input(
            description="Seconds to wait between chunks (other predictions run meanwhile)",
            default=0.05,
            ge=0.0,
            le=2.0,
        ),
        uppercase: bool = Input(
            description="Shout the message back",
            default=False,
        ),
    ) -> AsyncIterator[str]:
        """Echo the message back, one chunk at a time"""
        self.served += 1
        text = message.upper() if uppercase else message
        for i in range(repeat):
            if i:
                await asyncio.sleep(delay)
            yield f"{self.greeting} {i + 1}/{repeat}: {text}"
