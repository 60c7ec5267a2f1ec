#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Checks the Flatpak manifest: valid JSON, the right application, and the
minimal permissions that flatpak/README.md explains."""

import json
import sys

EXPECTED_FINISH_ARGS = {
    '--share=ipc',
    '--socket=fallback-x11',
    '--socket=wayland',
    '--device=dri',
    '--filesystem=home',
}


def main():
    with open(sys.argv[1], encoding='utf-8') as f:
        manifest = json.load(f)

    problems = []

    def expect(key, value):
        if manifest.get(key) != value:
            problems.append(f'{key} is {manifest.get(key)!r}, expected {value!r}')

    expect('app-id', 'io.github.migrator.Migrator')
    expect('command', 'migrator')
    expect('runtime', 'org.gnome.Platform')
    expect('runtime-version', '47')
    expect('sdk', 'org.gnome.Sdk')

    finish_args = set(manifest.get('finish-args', []))
    if finish_args != EXPECTED_FINISH_ARGS:
        problems.append(f'finish-args are {sorted(finish_args)}, expected {sorted(EXPECTED_FINISH_ARGS)}')

    modules = manifest.get('modules', [])
    if not modules or not isinstance(modules[-1], dict) or modules[-1].get('name') != 'migrator':
        problems.append('the last module must be migrator itself')
    elif modules[-1].get('buildsystem') != 'meson':
        problems.append('the migrator module must build with meson')

    for problem in problems:
        print(problem, file=sys.stderr)
    return 1 if problems else 0


if __name__ == '__main__':
    sys.exit(main())
