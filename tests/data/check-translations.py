#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Runs the built migrator in Brazilian Portuguese and Simplified Chinese.

The catalogues in po/ are compiled into a temporary locale folder that
MIGRATOR_LOCALEDIR points the program at. Each language is tried with
LC_ALL=C.UTF-8 and LANGUAGE set, which works on a fresh Debian without
generated locales, and also with LANG=xx_XX.UTF-8: the installed locale, or
one compiled into a temporary LOCPATH when glibc's locale sources exist.
The help, a command's help, a usage error and an engine error must come out
translated, keeping the "migrator: error:" prefix and the exit codes.

usage: check-translations.py MIGRATOR PO_DIR
"""

import os
import pathlib
import subprocess
import sys
import tempfile

EXPECTED = {
    'pt_BR': {
        'help': ['Comandos:', 'Gerencia as revisões de esquema de bancos de dados SQLite.',
                 'Atualizar o banco de dados para uma revisão posterior (padrão: head)'],
        'command_help': ['Imprimir o script SQL em vez de executá-lo', 'Não fazer backup do banco de dados antes'],
        'unknown_command': 'Comando desconhecido “upgarde” (você quis dizer “upgrade”?)',
        'not_a_project': 'não é um projeto do Migrator',
    },
    'zh_CN': {
        'help': ['命令：', '管理 SQLite 数据库的架构修订。', '将数据库升级到较新的修订（默认：head）'],
        'command_help': ['输出 SQL 脚本而不执行', '不预先备份数据库'],
        'unknown_command': '未知命令“upgarde”（您是不是要输入“upgrade”？）',
        'not_a_project': '不是 Migrator 项目',
    },
}

problems = []


def run(migrator, env, *args, cwd=None):
    return subprocess.run([migrator, *args], env=env, cwd=cwd, capture_output=True,
                          text=True, encoding='utf-8', timeout=60)


def expect(condition, message):
    if not condition:
        problems.append(message)


def installed_locales():
    try:
        out = subprocess.run(['locale', '-a'], capture_output=True, text=True).stdout
    except OSError:
        return set()
    return {line.strip().lower().replace('utf-8', 'utf8') for line in out.splitlines()}


def make_locale(lang, locpath):
    """Compiles xx_XX.UTF-8 into @locpath when glibc's locale sources are
    there (Debian's 'locales' package), so that LANG=xx_XX.UTF-8 is tested
    even where the locale was never generated."""
    if not pathlib.Path('/usr/share/i18n/locales', lang).is_file():
        return False
    locpath.mkdir(exist_ok=True)
    try:
        result = subprocess.run(['localedef', '-i', lang, '-f', 'UTF-8', str(locpath / f'{lang}.UTF-8')],
                                capture_output=True, text=True, timeout=120)
    except (OSError, subprocess.TimeoutExpired):
        return False
    # localedef exits 1 for mere warnings; the locale is there all the same.
    return (locpath / f'{lang}.UTF-8' / 'LC_CTYPE').exists()


def base_env(localedir):
    env = {k: v for k, v in os.environ.items()
           if not k.startswith('LC_') and k not in ('LANG', 'LANGUAGE')}
    env['MIGRATOR_LOCALEDIR'] = str(localedir)
    # No project from the environment: the error test needs "no project here".
    for key in ('MIGRATOR_PROJECT', 'MIGRATOR_DATABASE_URL', 'DATABASE_URL'):
        env.pop(key, None)
    return env


def check_language(migrator, env, lang, how, empty_dir):
    want = EXPECTED[lang]
    label = f'{lang} ({how})'

    result = run(migrator, env, '--help')
    expect(result.returncode == 0, f'{label}: --help exited {result.returncode}')
    for text in want['help']:
        expect(text in result.stdout, f'{label}: --help lacks {text!r}:\n{result.stdout}')

    result = run(migrator, env, 'upgrade', '--help')
    expect(result.returncode == 0, f'{label}: upgrade --help exited {result.returncode}')
    for text in want['command_help']:
        expect(text in result.stdout, f'{label}: upgrade --help lacks {text!r}:\n{result.stdout}')

    result = run(migrator, env, 'upgarde')
    expect(result.returncode == 2, f'{label}: a mistyped command exited {result.returncode}, not 2')
    expect(result.stderr.startswith('migrator: error: '), f'{label}: no "migrator: error:" prefix: {result.stderr!r}')
    expect(want['unknown_command'] in result.stderr, f'{label}: untranslated usage error: {result.stderr!r}')

    result = run(migrator, env, '--project', str(empty_dir), 'status')
    expect(result.returncode == 3, f'{label}: status outside a project exited {result.returncode}, not 3')
    expect(result.stderr.startswith('migrator: error: '), f'{label}: no "migrator: error:" prefix: {result.stderr!r}')
    expect(want['not_a_project'] in result.stderr, f'{label}: untranslated engine error: {result.stderr!r}')


def main():
    migrator = sys.argv[1]
    po_dir = pathlib.Path(sys.argv[2])
    locales = installed_locales()

    with tempfile.TemporaryDirectory(prefix='migrator-l10n-') as tmp:
        tmp = pathlib.Path(tmp)
        localedir = tmp / 'locale'
        empty_dir = tmp / 'empty'
        empty_dir.mkdir()

        for lang in EXPECTED:
            mo = localedir / lang / 'LC_MESSAGES' / 'migrator.mo'
            mo.parent.mkdir(parents=True)
            subprocess.run(['msgfmt', '--check', '-o', str(mo), str(po_dir / f'{lang}.po')], check=True)

        # English stays English without LANGUAGE.
        env = base_env(localedir)
        env['LC_ALL'] = 'C.UTF-8'
        result = run(migrator, env, '--help')
        expect('Commands:' in result.stdout, f'the C locale does not print English help:\n{result.stdout}')

        for lang in EXPECTED:
            env = base_env(localedir)
            env['LANGUAGE'] = lang
            env['LC_ALL'] = 'C.UTF-8'
            check_language(migrator, env, lang, 'LC_ALL=C.UTF-8 LANGUAGE', empty_dir)

            env = base_env(localedir)
            env['LANGUAGE'] = lang
            env['LANG'] = f'{lang}.UTF-8'
            if f'{lang.lower()}.utf8' in locales:
                check_language(migrator, env, lang, f'LANG={lang}.UTF-8', empty_dir)
            elif make_locale(lang, tmp / 'locales'):
                env['LOCPATH'] = str(tmp / 'locales')
                check_language(migrator, env, lang, f'LANG={lang}.UTF-8, LOCPATH', empty_dir)
            else:
                print(f'{lang}.UTF-8 is not available here; tested through LANGUAGE with C.UTF-8 only')

    for problem in problems:
        print(problem, file=sys.stderr)
    print(f'{len(problems)} problems')
    return 1 if problems else 0


if __name__ == '__main__':
    sys.exit(main())
