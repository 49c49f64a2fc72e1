"""KeywordMapping (Sources/MailProtocols/IMAP/KeywordMapping.swift) in Python: the IMAP keyword
the product writes for a label name, for the end-to-end tests and scripts/bench pipeline to find
the product's keywords in Dovecot. Tests/endtoend/test_inbox_pipeline.py checks it against the
Swift tests' expectations."""
import unicodedata


CYRILLIC = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "yo", "ж": "zh",
    "з": "z", "и": "i", "й": "j", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o",
    "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ф": "f", "х": "x", "ц": "cz",
    "ч": "ch", "ш": "sh", "щ": "shh", "ъ": "", "ы": "y", "ь": "", "э": "e", "ю": "yu",
    "я": "ya", "і": "i", "ї": "yi", "є": "ye", "ґ": "g", "ў": "u",
}
PLAIN_KEYWORD_BYTES = set(b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-.")


def _lowercase(character):
    lowered = character.lower()
    return lowered if len(unicodedata.normalize("NFC", lowered)) == 1 else None


def _transliteration(character):
    if character in CYRILLIC:
        return CYRILLIC[character]
    lower = _lowercase(character)
    if lower is None or lower == character or lower not in CYRILLIC:
        return None
    latin = CYRILLIC[lower]
    return latin[:1].upper() + latin[1:]


def _hash_suffix(label):
    value = 0x811C9DC5
    for character in unicodedata.normalize("NFC", label):
        lower = _lowercase(character)
        canonical = (character if character == lower else lower.upper()) if lower in CYRILLIC else character
        for scalar in canonical:
            code = ord(scalar)
            for _ in range(4):
                value ^= code & 0xFF
                value = (value * 0x01000193) & 0xFFFFFFFF
                code >>= 8
    digits = "abcdefghijklmnopqrstuvwxyz234567"
    return "".join(digits[(value >> shift) & 0x1F] for shift in range(20, -1, -5))


def keyword_for(label):
    encoded = label.encode()
    if encoded and len(encoded) <= 40 and all(byte in PLAIN_KEYWORD_BYTES for byte in encoded):
        return label
    body, pending_separator = "", False
    for character in unicodedata.normalize("NFC", label):
        latin = _transliteration(character)
        if latin is None:
            latin = character if character.isascii() and ord(character) in PLAIN_KEYWORD_BYTES and character != "_" else ""
        if not latin:
            if character not in "ъьЪЬ":
                pending_separator = True
            continue
        if pending_separator and body:
            body += "_"
        pending_separator = False
        body += latin
    body = body[:40].rstrip("-.")
    return f"{body or 'label'}-{_hash_suffix(label)}"
