# A scanner in the closure style: `peek` and `advance` share the position through
# `nonlocal`, the classic case for a Ref cell unless the helpers are inlined.
def count_tokens(text: str, rounds: int) -> int:
    pos: int = 0
    tokens: int = 0
    r: int = 0
    def peek() -> str:
        if pos < len(text):
            return text[pos]
        return ""
    def advance() -> object:
        nonlocal pos
        pos = pos + 1
    def is_digit(c: str) -> bool:
        return c == "0" or c == "1" or c == "2" or c == "3" or c == "4" or c == "5" or c == "6" or c == "7" or c == "8" or c == "9"
    def skip_number() -> object:
        while is_digit(peek()):
            advance()
    while r < rounds:
        pos = 0
        while pos < len(text):
            if is_digit(peek()):
                skip_number()
                tokens = tokens + 1
            elif peek() == " ":
                advance()
            else:
                advance()
                tokens = tokens + 1
        r = r + 1
    return tokens

print(count_tokens("12 + 345 * (6 - 78) // 9 % 1024 + x - yz", 20000))
