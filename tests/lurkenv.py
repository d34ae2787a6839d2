"""The environment the test scripts run lurk in (tests/core, tests/gdbdiff,
tests/stacks): HOME and lurk's caches in a scratch directory, no colour,
the C locale, and none of the variables that change what lurk does."""
import os


def environment(tmp, cache=None):
    env = dict(os.environ)
    env.update({'HOME': tmp, 'LURK_CACHE_DIR': cache or os.path.join(tmp, 'cache'),
                'XDG_CACHE_HOME': os.path.join(tmp, 'xdg-cache'), 'NO_COLOR': '1',
                'TERM': 'dumb', 'LC_ALL': 'C'})
    for key in ('LURK_DEBUG', 'LURK_PLUGIN_PATH', 'DEBUGINFOD_URLS', 'LURK_UNIT_VIEW'):
        env.pop(key, None)
    return env
