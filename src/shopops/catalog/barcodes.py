"""SKU barcodes (CAT-1): GS1 numbers (EAN-13, EAN-8, UPC-A) with their check digit, or a
Code128 in-house code (printable ASCII).

A string of 8, 12 or 13 digits is read as a GS1 number and must carry a correct check
digit: a mistyped EAN-13 must not slip through as "some Code128", since the scanner at
the packing table would then never find it.
"""

from shopops.core.errors import UserError

MAX_LENGTH = 40
GS1_LENGTHS = {8: "EAN-8", 12: "UPC-A", 13: "EAN-13"}


def gs1_check_digit(body: str) -> int:
    """The GS1 check digit of `body` (all digits but the last): weights 3,1,3… from the right."""
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(body)))
    return (10 - total % 10) % 10


def barcode_kind(code: str) -> str:
    return GS1_LENGTHS.get(len(code), "Code128") if code.isascii() and code.isdigit() else "Code128"


def normalize(text) -> str:
    # Full-width digits come from Chinese input methods; scanners send plain ASCII.
    raw = str(text or "").strip()
    return raw.translate(str.maketrans("０１２３４５６７８９", "0123456789"))


def validate_barcode(text) -> str:
    """Return the barcode as stored, or raise a UserError saying what is wrong."""
    code = normalize(text)
    if not code:
        raise UserError("barcode_required", "条码不能为空", "The barcode is required")
    if len(code) > MAX_LENGTH:
        raise UserError("barcode_too_long", "条码 {ref} 超过 {max} 位", "Barcode {ref} is longer "
                        "than {max} characters", ref=code, max=MAX_LENGTH)
    if code.isascii() and code.isdigit() and len(code) in GS1_LENGTHS:
        expected = gs1_check_digit(code[:-1])
        if int(code[-1]) != expected:
            raise UserError("barcode_check_digit", "条码 {ref} 校验位错误（{kind} 校验位应为 {expected}）",
                            "Barcode {ref}: wrong check digit ({kind} expects {expected})",
                            ref=code, kind=GS1_LENGTHS[len(code)], expected=expected)
        return code
    if not all(0x21 <= ord(c) <= 0x7E for c in code):
        raise UserError("barcode_charset", "条码 {ref} 含有无法打印成条码的字符（只允许英文字母、数字和符号，不含空格）",
                        "Barcode {ref} has characters a Code128 label cannot carry "
                        "(letters, digits and symbols only, no spaces)", ref=code)
    return code
