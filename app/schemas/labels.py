"""Bilingual labels of the server's controlled lists."""

from pydantic import BaseModel


class Label(BaseModel):
    """A label in Chinese and English."""

    zh: str
    en: str


class CodeLabel(BaseModel):
    """A code of a controlled list with its Chinese and English labels."""

    code: str
    zh: str
    en: str
