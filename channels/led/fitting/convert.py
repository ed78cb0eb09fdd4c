"""R2: Traditional to Simplified conversion with OpenCC, an explicit per-sign choice."""

from functools import cache

import opencc

# explicit ".json" config names work in every opencc release (older ones need them)
_CONFIGS = {"t2s": "t2s.json", "tw2s": "tw2s.json", "hk2s": "hk2s.json"}


def convert(text: str, conversion: str) -> str:
    if conversion == "none" or not text:
        return text
    converted: str = _converter(conversion).convert(text)
    return converted


@cache
def _converter(conversion: str) -> opencc.OpenCC:
    # loading the dictionaries costs milliseconds; converting is cheap
    return opencc.OpenCC(_CONFIGS[conversion])
