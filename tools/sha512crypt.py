#!/usr/bin/env python3
"""SHA-512 crypt ("$6$salt$hash", Ulrich Drepper's "Unix crypt using SHA-256 and SHA-512").

  sha512crypt.py PASSWORD [SALT]     print the hash (SALT: 16 random characters if none;
                                      "rounds=N$SALT" sets the rounds)
  sha512crypt.py --selftest          check the specification's test vectors

Used at build time for /etc/shadow's default accounts (tools/mkroot.py); QSOE's own
crypt() (libc) must give the same strings: the tests compare them.
"""
import hashlib
import os
import sys

B64 = './0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz'
ROUNDS_DEFAULT = 5000
ROUNDS_MIN, ROUNDS_MAX = 1000, 999999999
SALT_MAX = 16

# The order in which the 64 digest bytes are encoded, three at a time (the spec's table).
ORDER = [(0, 21, 42), (22, 43, 1), (44, 2, 23), (3, 24, 45), (25, 46, 4), (47, 5, 26),
         (6, 27, 48), (28, 49, 7), (50, 8, 29), (9, 30, 51), (31, 52, 10), (53, 11, 32),
         (12, 33, 54), (34, 55, 13), (56, 14, 35), (15, 36, 57), (37, 58, 16), (59, 17, 38),
         (18, 39, 60), (40, 61, 19), (62, 20, 41)]


def b64_bytes(b2, b1, b0, n):
    """n characters for the 24-bit group b2:b1:b0, least significant 6 bits first."""
    w = (b2 << 16) | (b1 << 8) | b0
    out = ''
    for _ in range(n):
        out += B64[w & 63]
        w >>= 6
    return out


def repeat_to(digest, n):
    """n bytes: digest repeated, the last copy cut short."""
    return (digest * (n // len(digest) + 1))[:n]


def sha512crypt(key, setting):
    """The full "$6$..." string for key (bytes) and a setting "$6$[rounds=N$]salt[$...]"."""
    if not setting.startswith('$6$'):
        raise ValueError('not a $6$ setting')
    rest = setting[3:]
    rounds, custom = ROUNDS_DEFAULT, False
    if rest.startswith('rounds='):
        num, _, rest = rest[7:].partition('$')
        rounds = max(ROUNDS_MIN, min(ROUNDS_MAX, int(num)))
        custom = True
    salt = rest.split('$', 1)[0][:SALT_MAX].encode()

    # Digest B: key, salt, key.
    b = hashlib.sha512(key + salt + key).digest()
    # Digest A: key, salt, B for each full 64 bytes of key and its part for the rest,
    # then for each bit of the key's length B (1) or the key (0), lowest bit first.
    a = hashlib.sha512(key + salt + repeat_to(b, len(key)))
    n = len(key)
    while n:
        a.update(b if n & 1 else key)
        n >>= 1
    a = a.digest()
    # P: the key hashed len(key) times, stretched to the key's length; S: the salt
    # hashed 16 + A[0] times, stretched to the salt's length.
    p = repeat_to(hashlib.sha512(key * len(key)).digest(), len(key))
    s = repeat_to(hashlib.sha512(salt * (16 + a[0])).digest(), len(salt))
    # The rounds.
    c = a
    for i in range(rounds):
        h = hashlib.sha512()
        h.update(p if i & 1 else c)
        if i % 3:
            h.update(s)
        if i % 7:
            h.update(p)
        h.update(c if i & 1 else p)
        c = h.digest()

    out = ''.join(b64_bytes(c[x], c[y], c[z], 4) for x, y, z in ORDER)
    out += b64_bytes(0, 0, c[63], 2)
    prefix = '$6$' + (f'rounds={rounds}$' if custom else '')
    return prefix + salt.decode() + '$' + out


def random_salt(n=SALT_MAX):
    return ''.join(B64[x & 63] for x in os.urandom(n))


VECTORS = [
    ('$6$saltstring', 'Hello world!',
     '$6$saltstring$svn8UoSVapNtMuq1ukKS4tPQd8iKwSMHWjl/O817G3uBnIFNjnQJuesI68u4OTLiBFdcbYEdFCoEOfaS35inz1'),
    ('$6$rounds=10000$saltstringsaltstring', 'Hello world!',
     '$6$rounds=10000$saltstringsaltst$OW1/O6BYHV6BcXZu8QVeXbDWra3Oeqh0sbHbbMCVNSnCM/UrjmM0Dp8vOuZeHBy/YTBmSK6H9qs/y3RnOaw5v.'),
    ('$6$rounds=5000$toolongsaltstring', 'This is just a test',
     '$6$rounds=5000$toolongsaltstrin$lQ8jolhgVRVhY4b5pZKaysCLi0QBxGoNeKQzQ3glMhwllF7oGDZxUhx1yxdYcz/e1JSbq3y6JMxxl8audkUEm0'),
    ('$6$rounds=10$roundstoolow', 'the minimum number is still observed',
     '$6$rounds=1000$roundstoolow$kUMsbe306n21p9R.FRkW3IGn.S9NPN0x50YhH1xhLsPuWGsUSklZt58jaTfF4ZEQpyUNGc0dqbpBYYBaHHrsX.'),
]


def selftest():
    bad = 0
    for setting, key, want in VECTORS:
        got = sha512crypt(key.encode(), setting)
        if got != want:
            print(f'sha512crypt: {setting}: got {got}, want {want}', file=sys.stderr)
            bad += 1
    print(f'sha512crypt: {len(VECTORS) - bad}/{len(VECTORS)} vectors')
    return 1 if bad else 0


def main(argv):
    if argv == ['--selftest']:
        return selftest()
    if len(argv) not in (1, 2) or argv[0].startswith('--'):
        print('usage: sha512crypt.py PASSWORD [SALT] | --selftest', file=sys.stderr)
        return 2
    salt = argv[1] if len(argv) == 2 else random_salt()
    print(sha512crypt(argv[0].encode(), '$6$' + salt))
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
