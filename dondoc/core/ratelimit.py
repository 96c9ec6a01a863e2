"""Counting attempts in the cache (Redis in production): at most ``limit`` per ``window``."""

from __future__ import annotations

import hashlib

from django.core.cache import cache


def cache_key(scope: str, value: str) -> str:
    """A short key that does not keep the value itself (an e-mail address) in the cache."""
    return f"rl:{scope}:{hashlib.sha256(value.encode()).hexdigest()[:32]}"


def hit(scope: str, value: str, *, limit: int, window: int) -> bool:
    """Count one attempt; False once more than ``limit`` were made in the last ``window`` s."""
    key = cache_key(scope, value)
    cache.add(key, 0, timeout=window)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window)
        count = 1
    return count <= limit
