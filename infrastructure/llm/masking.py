"""Secrets masked in every spelling before a prompt leaves Testament."""

from infrastructure.execution.masking import SecretMasker


class SecretMasking:
    """The masking port on the run engine's masker (raw, JSON, percent, Basic spellings)."""

    def mask(self, text: str, secrets: list[str]) -> str:
        masker = SecretMasker(secrets)
        return masker.mask(text) if masker.active else text
