"""Reading a France Travail file: its offers one at a time, whatever its bytes."""

import codecs
from typing import IO

import ijson

CHUNK_SIZE = 64 * 1024
# The replacement character marks bytes that were not UTF-8 (see _Utf8Reader).
REPLACEMENT = "\ufffd"


class _Utf8Reader:
    """Binary stream wrapper: bytes that are not UTF-8 become U+FFFD, a BOM is dropped.

    ijson stops at the first invalid byte; replacing them lets the import reject just the
    records that carry them. Also lets the first bytes be peeked at to tell a list from an
    object.
    """

    def __init__(self, stream: IO[bytes]):
        self.stream = stream
        self.decoder = codecs.getincrementaldecoder("utf-8-sig")(errors="replace")
        self.pending = b""
        self.done = False

    def _fill(self, size: int) -> None:
        while len(self.pending) < size and not self.done:
            chunk = self.stream.read(CHUNK_SIZE)
            if isinstance(chunk, str):  # a text stream: already decoded
                chunk = chunk.encode("utf-8", errors="replace")
            final = not chunk
            self.pending += self.decoder.decode(chunk, final=final).encode("utf-8")
            self.done = final

    def peek_first_char(self) -> str:
        """The first significant character, left unread."""
        while not self.pending.strip() and not self.done:
            self._fill(len(self.pending) + 1)
        return self.pending.lstrip()[:1].decode("ascii", errors="replace")

    def read(self, size: int = -1) -> bytes:
        if size is None or size < 0:
            self._fill(float("inf"))
            data, self.pending = self.pending, b""
            return data
        self._fill(size)
        data, self.pending = self.pending[:size], self.pending[size:]
        return data


def iter_records(stream: IO[bytes]):
    """The offers of a search response or of a list, one at a time."""
    reader = _Utf8Reader(stream)
    first = reader.peek_first_char()
    if first == "[":
        prefix = "item"
    elif first == "{":
        prefix = "resultats.item"
    else:
        raise ijson.JSONError("le fichier ne commence ni par « { » ni par « [ »")
    # Floats as floats: coordinates and the like need no Decimal precision.
    yield from ijson.items(reader, prefix, use_float=True)
