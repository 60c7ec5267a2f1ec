#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Installs the build into a temporary DESTDIR and checks what lands there.

The binary, desktop file, metainfo, both icons, the GSettings schema, both
translations, the manual page and the bash completion must be in their
standard places; the manual page must render and name every command; the
completion must parse and complete "migrator up" to "upgrade"; the installed
binary must run and find its installed translations.

usage: check-install.py BUILD_DIR APP_ID PREFIX BINDIR DATADIR MANDIR LOCALEDIR
"""

import os
import pathlib
import shutil
import subprocess
import sys
import tempfile

COMMANDS = ['init', 'revision', 'upgrade', 'downgrade', 'current', 'status', 'history', 'heads',
            'branches', 'show', 'merge', 'stamp', 'check', 'diff', 'schema', 'backup', 'backups',
            'restore', 'reset']
LANGUAGES = ['pt_BR', 'zh_CN']

problems = []


def expect(condition, message):
    if not condition:
        problems.append(message)


def under(destdir, path):
    return destdir / pathlib.Path(path).relative_to('/')


def render_man(page):
    """The manual page as text, or None when nothing here can render it."""
    env = dict(os.environ, MANWIDTH='80', LC_ALL='C.UTF-8')
    if shutil.which('man'):
        result = subprocess.run(['man', '-l', str(page)], env=env, capture_output=True, text=True)
        expect(result.returncode == 0, f'man -l {page} failed: {result.stderr}')
        return result.stdout
    if shutil.which('groff'):
        result = subprocess.run(['groff', '-man', '-Tutf8', '-ww', str(page)], env=env, capture_output=True, text=True)
        expect(result.returncode == 0 and not result.stderr, f'groff {page} failed or warned: {result.stderr}')
        return result.stdout
    return None


def check_man(page):
    text = page.read_text(encoding='utf-8')
    expect(any(line.startswith('.TH MIGRATOR 1 ') for line in text.splitlines()), f'{page} has no ".TH MIGRATOR 1" header')
    rendered = render_man(page)
    if rendered is None:
        print('neither man nor groff is installed: checked the troff source only')
        rendered = text
    for section in ('NAME', 'SYNOPSIS', 'DESCRIPTION', 'COMMANDS', 'TARGETS', 'EXIT STATUS', 'ENVIRONMENT', 'FILES'):
        expect(section in rendered, f'the manual page has no {section} section')
    for command in COMMANDS:
        expect(f'\n       {command}' in rendered or f'.BR {command} ' in text or f'.B {command}\n' in text
               or f'.BI {command} ' in text,
               f'the manual page does not document the command {command}')
    for word in ('MIGRATOR_PROJECT', 'MIGRATOR_DATABASE_URL', 'DATABASE_URL', 'migrator.json', '--json',
                 '--sql', '--dry-run', '--no-backup', 'LABEL@head'):
        expect(word in rendered.replace('\u2010', '-'), f'the manual page does not mention {word}')


def complete(script, *words):
    """What the completion offers for the last of @words."""
    driver = f'''
source "$1"
COMP_WORDS=({' '.join(f"'{w}'" for w in words)})
COMP_CWORD=$(( ${{#COMP_WORDS[@]}} - 1 ))
COMP_LINE="${{COMP_WORDS[*]}}"
COMP_POINT=${{#COMP_LINE}}
_migrator migrator "${{COMP_WORDS[COMP_CWORD]}}" "${{COMP_WORDS[COMP_CWORD - 1]}}"
printf '%s\\n' "${{COMPREPLY[@]}}"
'''
    result = subprocess.run(['bash', '-c', driver, 'bash', str(script)], capture_output=True, text=True,
                            cwd=tempfile.gettempdir(), env=dict(os.environ, MIGRATOR_PROJECT=''))
    expect(result.returncode == 0, f'completing {words} failed: {result.stderr}')
    return [line for line in result.stdout.splitlines() if line]


def check_completion(script):
    result = subprocess.run(['bash', '-n', str(script)], capture_output=True, text=True)
    expect(result.returncode == 0, f'bash -n {script}: {result.stderr}')
    got = complete(script, 'migrator', 'up')
    expect(got == ['upgrade'], f'"migrator up<TAB>" completes to {got}, not ["upgrade"]')
    got = complete(script, 'migrator', 'downgrade', '--no')
    expect(got == ['--no-backup'], f'"migrator downgrade --no<TAB>" completes to {got}')
    got = complete(script, 'migrator', '--pro')
    expect(got == ['--project'], f'"migrator --pro<TAB>" completes to {got}')


def check_translations(binary, localedir):
    for lang, text in (('pt_BR', 'Comandos:'), ('zh_CN', '命令：')):
        env = {k: v for k, v in os.environ.items() if not k.startswith('LC_') and k != 'LANG'}
        env.update(LC_ALL='C.UTF-8', LANGUAGE=lang, MIGRATOR_LOCALEDIR=str(localedir))
        result = subprocess.run([str(binary), '--help'], env=env, capture_output=True, text=True, encoding='utf-8')
        expect(result.returncode == 0 and text in result.stdout,
               f'the installed migrator does not print {lang} help from its installed catalogue')


def main():
    build_dir, app_id, prefix, bindir, datadir, mandir, localedir = sys.argv[1:8]
    prefix = pathlib.Path(prefix)

    def at(option):
        return prefix / option  # an absolute option stays absolute

    with tempfile.TemporaryDirectory(prefix='migrator-install-') as tmp:
        destdir = pathlib.Path(tmp)
        result = subprocess.run(['meson', 'install', '-C', build_dir, '--destdir', str(destdir), '--no-rebuild',
                                 '--quiet'], capture_output=True, text=True)
        if result.returncode != 0:
            print(result.stdout, result.stderr, file=sys.stderr)
            print('meson install failed', file=sys.stderr)
            return 1

        share = under(destdir, at(datadir))
        expected = {
            'binary': under(destdir, at(bindir)) / 'migrator',
            'desktop file': share / 'applications' / f'{app_id}.desktop',
            'metainfo': share / 'metainfo' / f'{app_id}.metainfo.xml',
            'scalable icon': share / 'icons' / 'hicolor' / 'scalable' / 'apps' / f'{app_id}.svg',
            'symbolic icon': share / 'icons' / 'hicolor' / 'symbolic' / 'apps' / f'{app_id}-symbolic.svg',
            'GSettings schema': share / 'glib-2.0' / 'schemas' / f'{app_id}.gschema.xml',
            'manual page': under(destdir, at(mandir)) / 'man1' / 'migrator.1',
            'bash completion': share / 'bash-completion' / 'completions' / 'migrator',
        }
        for lang in LANGUAGES:
            expected[f'{lang} translation'] = under(destdir, at(localedir)) / lang / 'LC_MESSAGES' / 'migrator.mo'

        for what, path in expected.items():
            expect(path.is_file(), f'{what} not installed: {path.relative_to(destdir)} is missing')
        for path in sorted(p for p in destdir.rglob('*') if p.is_file()):
            print('installed', path.relative_to(destdir))

        if expected['binary'].is_file():
            expect(os.access(expected['binary'], os.X_OK), 'the installed binary is not executable')
            result = subprocess.run([str(expected['binary']), '--version'], capture_output=True, text=True)
            expect(result.returncode == 0 and result.stdout.startswith('migrator '),
                   f'the installed binary does not run: {result.stdout!r} {result.stderr!r}')
            check_translations(expected['binary'], under(destdir, at(localedir)))
        if expected['manual page'].is_file():
            check_man(expected['manual page'])
        if expected['bash completion'].is_file():
            check_completion(expected['bash completion'])

    for problem in problems:
        print(problem, file=sys.stderr)
    print(f'{len(problems)} problems')
    return 1 if problems else 0


if __name__ == '__main__':
    sys.exit(main())
