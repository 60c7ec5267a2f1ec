#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Checks po/POTFILES.in against the sources.

Every file it lists must exist, and every source file with translatable
strings (_(), N_(), C_(), NC_() in C; translatable="yes" in .ui) must be
listed, so that no message is missing from the translation template.
"""

import pathlib
import re
import sys

C_MARK = re.compile(r'\b(?:_|N_|C_|NC_|g_dgettext|g_dngettext|ngettext)\s*\(')
UI_MARK = re.compile(r'translatable="yes"')


def listed_files(root):
    lines = (root / 'po' / 'POTFILES.in').read_text(encoding='utf-8').splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith('#')]


def files_with_messages(root):
    found = set()
    for path in sorted((root / 'src').rglob('*')):
        if path.suffix == '.c' and C_MARK.search(path.read_text(encoding='utf-8')):
            found.add(path.relative_to(root).as_posix())
        elif path.suffix == '.ui' and UI_MARK.search(path.read_text(encoding='utf-8')):
            found.add(path.relative_to(root).as_posix())
    return found


def main():
    root = pathlib.Path(sys.argv[1])
    listed = listed_files(root)
    problems = []

    for name in listed:
        if not (root / name).is_file():
            problems.append(f'po/POTFILES.in lists {name}, which does not exist')

    if listed != sorted(listed):
        problems.append('po/POTFILES.in is not sorted')

    for name in sorted(files_with_messages(root) - set(listed)):
        problems.append(f'{name} has translatable strings but is not in po/POTFILES.in')

    for problem in problems:
        print(problem, file=sys.stderr)
    return 1 if problems else 0


if __name__ == '__main__':
    sys.exit(main())
