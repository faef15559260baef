"""MS-OVBA §2.4.1 compression: the container format of every stream in a VBA project.

Why our own: the compressor of `ms_ovba_compression` 1.0.1 (which ms-ovba uses) corrupts any
input longer than about 650 bytes, including the xlwings VBA module; Office and LibreOffice then
import nothing (research/xlwings-on-linux.md §2.3, appendix A). This is a plain greedy LZ77
compressor written from the specification and verified by round-tripping through
`oletools.olevba.decompress_stream` (tests/test_vba_compress.py).

Format, in short (MS-OVBA 2.4.1.1): a signature byte 0x01, then chunks of at most 4096
decompressed bytes. Each chunk has a 16-bit header (size - 3 in bits 0-11, signature 0b011 in
bits 12-14, "compressed" in bit 15) and then token sequences: a flag byte whose bits say, from
the low bit up, whether each of the next eight tokens is a literal byte or a 16-bit copy token.
A copy token splits its bits between (offset - 1) and (length - 3); the split depends on how far
into the chunk the token is, so that near the start of a chunk long matches are cheap.
"""

from __future__ import annotations

import struct

CHUNK_SIZE = 4096
MIN_MATCH = 3
# Hash-chain candidates tried per position. A cap keeps xlwings.bas (46 KB) well under a second;
# it only costs compression ratio, never correctness.
MAX_CANDIDATES = 256


def copy_token_layout(position_in_chunk: int) -> tuple[int, int]:
    """Bits used for the offset, and the longest match, at this position (MS-OVBA 2.4.1.3.19.1)."""
    bit_count = max((position_in_chunk - 1).bit_length(), 4)
    length_mask = 0xFFFF >> bit_count
    return bit_count, length_mask + MIN_MATCH


def compress(data: bytes) -> bytes:
    """Compress `data` into an MS-OVBA CompressedContainer."""
    out = bytearray(b"\x01")
    for start in range(0, len(data), CHUNK_SIZE):
        out += _compress_chunk(data[start : start + CHUNK_SIZE])
    return bytes(out)


def _compress_chunk(chunk: bytes) -> bytes:
    body = _tokens(chunk)
    if len(body) <= CHUNK_SIZE:
        header = 0x8000 | 0x3000 | (len(body) + 2 - 3)
        return struct.pack("<H", header) + body
    # Incompressible: a raw chunk, which the format requires to hold exactly 4096 bytes. Only a
    # final chunk can be shorter; the spec pads it with zeros (VBA source text never gets here).
    return struct.pack("<H", 0x3000 | (CHUNK_SIZE + 2 - 3)) + chunk.ljust(CHUNK_SIZE, b"\x00")


def _tokens(chunk: bytes) -> bytes:
    """The token sequences of one chunk: greedy longest match, found through hash chains."""
    out = bytearray()
    heads: dict[bytes, list[int]] = {}  # 3-byte prefix -> positions where it starts, oldest first
    position = 0
    end = len(chunk)
    while position < end:
        flag_index = len(out)
        out.append(0)
        flags = 0
        for bit in range(8):
            if position >= end:
                break
            offset, length = _longest_match(chunk, position, heads)
            if length >= MIN_MATCH:
                bit_count, _ = copy_token_layout(position)
                token = ((offset - 1) << (16 - bit_count)) | (length - MIN_MATCH)
                out += struct.pack("<H", token)
                flags |= 1 << bit
                step = length
            else:
                out.append(chunk[position])
                step = 1
            for p in range(position, min(position + step, end - MIN_MATCH + 1)):
                heads.setdefault(chunk[p : p + MIN_MATCH], []).append(p)
            position += step
        out[flag_index] = flags
    return bytes(out)


def _longest_match(chunk: bytes, position: int, heads: dict[bytes, list[int]]) -> tuple[int, int]:
    """(offset, length) of the longest earlier match in the chunk, or (0, 0).

    Matches may overlap the position itself (offset < length): decompression copies byte by
    byte, so comparing the input against itself at the same distance is exactly what it yields.
    """
    candidates = heads.get(chunk[position : position + MIN_MATCH])
    if not candidates:
        return 0, 0
    _, max_length = copy_token_layout(position)
    max_length = min(max_length, len(chunk) - position)
    best_offset, best_length = 0, 0
    for candidate in reversed(candidates[-MAX_CANDIDATES:]):  # nearest first: ties keep the smallest offset
        if best_length and chunk[candidate + best_length] != chunk[position + best_length]:
            continue  # cannot beat the best match found so far
        length = MIN_MATCH
        while length < max_length and chunk[candidate + length] == chunk[position + length]:
            length += 1
        if length > best_length:
            best_offset, best_length = position - candidate, length
            if length == max_length:
                break
    return best_offset, best_length
