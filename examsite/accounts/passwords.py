"""What makes a password acceptable: long enough, not the username, not one everyone tries."""
import re

MIN_PASSWORD_LENGTH = 8

# Passwords tried first against any login page (the most common ones in leaked lists, and the
# ones Chinese offices tend to hand out); compared case-insensitively.
COMMON = frozenset("""
12345678 123456789 1234567890 0123456789 87654321 987654321 11111111 00000000 88888888 66666666
12341234 11223344 13141314 12344321 123123123 112233445566 147258369 123qweasd 1qaz2wsx 1q2w3e4r
1q2w3e4r5t qwertyui qwerty123 qwertyuiop asdfghjk asdf1234 zxcvbnm123 password password1 password123
passw0rd p@ssw0rd p@ssword abc12345 abcd1234 abc123456 a1234567 a12345678 a123456789 aa123456
admin123 admin888 admin1234 administrator root1234 iloveyou woaini1314 woaini520 5201314520 woaiwojia
qq123456 qq5201314 1234qwer qazwsxedc zaq12wsx 123456abc 123456aa 12345abc letmein1 welcome1
changeme sunshine princess football baseball dragon123 monkey123 master123 superman 7758521a
""".split())


def password_problem(password: str, username: str = "") -> str | None:
    """Why ``password`` will not do, in Chinese; None when it is acceptable."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return f"密码至少 {MIN_PASSWORD_LENGTH} 位。"
    folded = password.lower()
    name = username.strip().lower()
    if len(name) >= 3 and name in folded:
        return "密码不能包含用户名（工号）。"
    if folded in COMMON or len(set(folded)) <= 2 or _run(folded):
        return "这个密码太常见、太容易猜到，请换一个（可以用几个词加数字）。"
    return None


def _run(text: str) -> bool:
    """12345678, abcdefgh, 87654321: each character one step from the last."""
    if not re.fullmatch(r"[0-9]+|[a-z]+", text):
        return False
    steps = {ord(b) - ord(a) for a, b in zip(text, text[1:])}
    return steps in ({1}, {-1})
