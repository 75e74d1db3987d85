"""Password hashing with argon2id (argon2-cffi), behind services.accounts.PasswordHasher."""

from __future__ import annotations

from argon2 import PasswordHasher as _Argon2
from argon2.exceptions import InvalidHashError, VerificationError


class Argon2Hasher:
    def __init__(self, *, fast: bool = False) -> None:
        # ``fast`` is for tests only: the library's defaults (64 MiB, 3 passes) are right for a
        # server and would make a test matrix of many logins take minutes on a shared machine.
        self._h = _Argon2(time_cost=1, memory_cost=1024, parallelism=1) if fast else _Argon2()

    def hash(self, password: str) -> str:
        return self._h.hash(password)

    def verify(self, hashed: str, password: str) -> bool:
        try:
            return self._h.verify(hashed, password)
        except (VerificationError, InvalidHashError):
            return False
